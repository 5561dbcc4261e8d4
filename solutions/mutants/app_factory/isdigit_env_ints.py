"""Checks KATA_PAGE_SIZE with str.isdigit(), which also accepts non-ASCII digits such as '５'."""

import _reference
from _reference import *

_original = _reference.from_env


def from_env(name, raw, kind):
    value = raw.strip()
    if kind is int and value.lstrip("+-").isdigit():
        return int(value)
    return _original(name, raw, kind)


_reference.from_env = from_env
