"""Refuses every request from a disallowed origin, GETs included, as if CORS were access control."""

import _reference
from _reference import *

_reference.SAFE_METHODS = frozenset({"OPTIONS"})
