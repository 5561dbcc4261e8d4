"""create_app checks `len(secret) <= 32`, so a secret of exactly 32 characters is refused."""

import _reference
from _reference import *

_right_create_app = _reference.create_app


def create_app(config, *, clock=None):
    secret = config.get("JWT_SECRET_KEY")
    if isinstance(secret, str) and len(secret) <= MIN_SECRET_LENGTH:
        raise ValueError("JWT_SECRET_KEY must be longer than 32 characters")
    return _right_create_app(config, clock=clock)
