"""The lifetime is 8 hours minus a second: a cookie signed exactly 8 hours ago is refused."""

from datetime import timedelta

import _reference
from _reference import *

_original_create_app = _reference.create_app


def create_app(users, environ=None):
    app = _original_create_app(users, environ)
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=8) - timedelta(seconds=1)
    return app
