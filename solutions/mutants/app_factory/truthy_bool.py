"""Converts booleans with bool(raw), so KATA_SQL_ECHO=false (a non-empty string) turns echo on."""

import _reference
from _reference import *

_original = _reference.from_env


def from_env(name, raw, kind):
    if kind is bool:
        return bool(raw)
    return _original(name, raw, kind)


_reference.from_env = from_env
