"""The blocklist is matched exactly, so "PasswordPassword" slips past "passwordpassword"."""

import _reference
from _reference import *


def check_new_password(password, blocklist=COMMON_PASSWORDS):
    password = check_password(password)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordPolicyError("password too short")
    if password in blocklist:
        raise PasswordPolicyError("password is too common")
    return password


_reference.check_new_password = check_new_password
