"""Checks max_age with isinstance(max_age, int), which lets True through as 1."""

import _reference
from _reference import *

_original = _reference.CorsPolicy.__post_init__


def __post_init__(self):
    if self.max_age is True:
        object.__setattr__(self, "max_age", 1)
    _original(self)


_reference.CorsPolicy.__post_init__ = __post_init__
