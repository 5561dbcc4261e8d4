"""Any non-empty FLASK_SECRET_KEY is accepted, even "supersecretkey" or a single character."""

import os

import _reference
from _reference import *


def load_secret_key(environ=None):
    environ = os.environ if environ is None else environ
    secret = environ.get(SECRET_ENV)
    if not secret:
        raise SecretKeyError(f"{SECRET_ENV} is not set")
    return secret


_reference.load_secret_key = load_secret_key
