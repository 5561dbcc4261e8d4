"""Refuses max_age=0 (<= 0 where < 0 is due): 0 is a valid "do not cache the preflight"."""

import _reference
from _reference import *

_original = _reference.CorsPolicy.__post_init__


def __post_init__(self):
    _original(self)
    if self.max_age == 0:
        raise ValueError("max_age must be positive")


_reference.CorsPolicy.__post_init__ = __post_init__
