"""PERMANENT_SESSION_LIFETIME is left at Flask's default: a signed cookie works for 31 days."""

import _reference
from _reference import *

_original_create_app = _reference.create_app


def create_app(users, environ=None):
    app = _original_create_app(users, environ)
    app.config["PERMANENT_SESSION_LIFETIME"] = __import__("datetime").timedelta(days=31)
    return app
