"""The minimum length counts UTF-8 bytes, so 4 emoji (16 bytes) pass for a 15-character password."""

import _reference
from _reference import *


def check_new_password(password, blocklist=COMMON_PASSWORDS):
    password = check_password(password)
    if len(password.encode("utf-8")) < MIN_PASSWORD_LENGTH:
        raise PasswordPolicyError("password too short")
    if password.casefold() in {entry.casefold() for entry in blocklist}:
        raise PasswordPolicyError("password is too common")
    return password


_reference.check_new_password = check_new_password
