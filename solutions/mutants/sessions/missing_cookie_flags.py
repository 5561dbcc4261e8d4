"""The session cookie is set without Secure and SameSite=Lax (Flask's defaults are off)."""

import _reference
from _reference import *

_original_create_app = _reference.create_app


def create_app(users, environ=None):
    app = _original_create_app(users, environ)
    app.config.update(SESSION_COOKIE_SECURE=False, SESSION_COOKIE_SAMESITE=None)
    return app
