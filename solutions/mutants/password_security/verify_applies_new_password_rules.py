"""verify_password uses check_new_password: users with older, shorter passwords are locked out."""

import _reference
from _reference import *

_right_verify = _reference.verify_password


def verify_password(stored_hash, password, hasher=None):
    check_new_password(password)
    return _right_verify(stored_hash, password, hasher)


_reference.verify_password = verify_password
