"""Compares an array field only as a whole: {"tags": "navy"} misses ["navy", "cobol"] and
{"scores": {"$gt": 8}} misses [3, 9]."""

import _reference
from _reference import *
from _reference import _MISSING


def _candidates(value):
    return [] if value is _MISSING else [value]


_reference._candidates = _candidates
