"""New passwords have no minimum length (only the empty one is refused), as the kata used to do."""

import _reference
from _reference import *


def check_new_password(password, blocklist=COMMON_PASSWORDS):
    password = check_password(password)
    if password.casefold() in {entry.casefold() for entry in blocklist}:
        raise PasswordPolicyError("password is too common")
    return password


_reference.check_new_password = check_new_password
