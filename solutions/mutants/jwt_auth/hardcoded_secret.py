"""Tokens are signed with a hard-coded secret instead of the JWT_SECRET_KEY from the config."""

import _reference
from _reference import *

SECRET_KEY = "your_secret_key-your_secret_key-your_secret_key"
_original_create_app = _reference.create_app


def create_app(config, *, clock=None):
    app = _original_create_app(config, clock=clock)
    app.config["JWT_SECRET_KEY"] = SECRET_KEY
    return app
