"""Compares sub-documents by their keys alone (`and` written as `or`): {"address": {"city":
"Paris"}} also matches an address in Lyon."""

import _reference
from _reference import *

_original_same = _reference._same


def _same(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() or all(_same(a[k], b[k]) for k in a)
    return _original_same(a, b)


_reference._same = _same
