"""A failed login answers 200 with "Login failed" instead of a 401."""

import _reference
from _reference import *
from flask import current_app

_right_login = _reference.login


def login():
    response = current_app.make_response(_right_login())
    return "Login failed" if response.status_code == 401 else response


_reference.login = login
