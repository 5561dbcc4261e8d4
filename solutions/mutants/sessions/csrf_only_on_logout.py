"""Only /logout checks the CSRF token; /login (login CSRF) and other methods go unchecked."""

import _reference
from _reference import *
from flask import request

_right_check = _reference.check_csrf


def check_csrf():
    if request.method == "POST" and request.path == "/logout":
        return _right_check()
    return None


_reference.check_csrf = check_csrf
