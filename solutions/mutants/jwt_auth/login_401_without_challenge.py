"""A failed login is a 401 with no WWW-Authenticate header (only token_required sends one)."""

import _reference
from _reference import *
from flask import current_app

_right_login = _reference.login


def login():
    response = current_app.make_response(_right_login())
    if response.status_code == 401:
        del response.headers["WWW-Authenticate"]
    return response


_reference.login = login
