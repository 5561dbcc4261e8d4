"""check_new_password always uses COMMON_PASSWORDS and ignores the blocklist it is given."""

import _reference
from _reference import *

_right = _reference.check_new_password


def check_new_password(password, blocklist=COMMON_PASSWORDS):
    return _right(password)


_reference.check_new_password = check_new_password
