"""login validates the body before the CSRF token: a malformed body without a token gets 400."""

import _reference
from _reference import *
from flask import current_app, request

_right_check = _reference.check_csrf


def check_csrf():
    if request.path == "/login":
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            return None  # the view answers 400 first
    return _right_check()


_reference.check_csrf = check_csrf
