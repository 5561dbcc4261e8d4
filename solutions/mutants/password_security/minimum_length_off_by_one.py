"""The length check is `<=`, so a password of exactly 15 characters is refused."""

import _reference
from _reference import *


def check_new_password(password, blocklist=COMMON_PASSWORDS):
    password = check_password(password)
    if len(password) <= MIN_PASSWORD_LENGTH:
        raise PasswordPolicyError("password too short")
    if password.casefold() in {entry.casefold() for entry in blocklist}:
        raise PasswordPolicyError("password is too common")
    return password


_reference.check_new_password = check_new_password
