"""Converts a matching KATA_PAGE_SIZE with int() unguarded: 5,000 digits raise a bare ValueError."""

import _reference
from _reference import *

_original = _reference.from_env


def from_env(name, raw, kind):
    if kind is int and _reference.INTEGER.fullmatch(raw.strip()):
        return int(raw.strip())
    return _original(name, raw, kind)


_reference.from_env = from_env
