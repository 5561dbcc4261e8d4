"""Every bad hop count is a ValueError, a str or a float included (the README says TypeError)."""

import _reference
from _reference import *


def _hops(name, value):
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} must be an int >= 0")
    return value


_reference._hops = _hops
