"""Hashes passwords with plain, unsalted SHA-256: equal passwords give equal hashes."""

import hashlib

import _reference
from _reference import *


def hash_password(password, hasher=None):
    return hashlib.sha256(check_new_password(password).encode()).hexdigest()


def verify_password(stored_hash, password, hasher=None):
    return hashlib.sha256(check_password(password).encode()).hexdigest() == stored_hash


_reference.hash_password = hash_password
_reference.verify_password = verify_password
