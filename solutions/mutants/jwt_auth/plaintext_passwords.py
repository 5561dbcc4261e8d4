"""Passwords are stored and compared as plain text (`stored == password`)."""

import _reference
from _reference import *


def hash_password(password):
    if not isinstance(password, str):
        raise TypeError("password must be a str")
    if not password:
        raise ValueError("password must not be empty")
    return password


def verify_password(password_hash, password):
    return password_hash == password


_reference.hash_password = hash_password
_reference.verify_password = verify_password
