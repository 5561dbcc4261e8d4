"""Treats the `null` origin as harmless "local testing" and allows it."""

import _reference
from _reference import *

_original = _reference.CorsPolicy.is_allowed


def is_allowed(self, origin):
    return origin == "null" or _original(self, origin)


_reference.CorsPolicy.is_allowed = is_allowed
