"""Treats a missing field as matching nothing, so {"email": None} and {"$in": [None]} skip the
documents that have no email at all (MongoDB matches them)."""

import _reference
from _reference import *
from _reference import _MISSING, _candidates, _same


def _equals(value, target):
    return any(_same(candidate, target) for candidate in _candidates(value))


_reference._equals = _equals
