"""Checks the caller's list of origins but keeps that very list, which the caller can change."""

import _reference
from _reference import *

_original = _reference.CorsPolicy.__post_init__


def __post_init__(self):
    given = self.allowed_origins
    _original(self)
    if isinstance(given, list):
        object.__setattr__(self, "allowed_origins", given)


_reference.CorsPolicy.__post_init__ = __post_init__
