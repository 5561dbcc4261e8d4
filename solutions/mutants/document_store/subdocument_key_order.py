"""Compares sub-documents as ordered lists of items, like MongoDB, although the README makes key
order irrelevant here: {"address": {"zip": "N1", "city": "London"}} misses Ada."""

import _reference
from _reference import *

_original_same = _reference._same


def _same(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    return _original_same(a, b)


_reference._same = _same
