"""login puts the pre-login CSRF token back after session.clear(), so it stays valid."""

import _reference
from _reference import *
from flask import session

_right_login = _reference.login


def login():
    token = session.get("csrf_token")
    response = _right_login()
    if token is not None and "user" in session:
        session["csrf_token"] = token
    return response


_reference.login = login
