"""Trusts the mapping's types: {"PAGE_SIZE": True} or {"SQL_ECHO": "false"} are stored as given."""

import contextlib

import _reference
from _reference import *


def check_type(key, value):
    return value


def check_ranges(settings):
    with contextlib.suppress(TypeError):  # "20" <= 1000 would raise TypeError
        _original_ranges(settings)


_original_ranges = _reference.check_ranges
_reference.check_type = check_type
_reference.check_ranges = check_ranges
