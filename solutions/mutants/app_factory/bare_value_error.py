"""Calls int() and lets its bare ValueError escape instead of a ConfigError naming the variable."""

import _reference
from _reference import *

_original = _reference.from_env


def from_env(name, raw, kind):
    if kind is int:
        return int(raw)  # ValueError: invalid literal for int() with base 10: 'ten'
    return _original(name, raw, kind)


_reference.from_env = from_env
