"""isinstance(value, int) alone lets x_for=True through as one hop (bool is an int subclass)."""

import _reference
from _reference import *


def _hops(name, value):
    if not isinstance(value, int):
        raise TypeError(f"{name} must be an int")
    if value < 0:
        raise ValueError(f"{name} must be >= 0")
    return value


_reference._hops = _hops
