"""login stores the user without session.clear(), so values planted before login survive."""

import _reference
from _reference import *
from flask import session

_right_login = _reference.login


def login():
    planted = dict(session)
    response = _right_login()
    for key, value in planted.items():
        session.setdefault(key, value)  # whatever session.clear() dropped is back
    return response


_reference.login = login
