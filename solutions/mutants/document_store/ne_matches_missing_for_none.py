"""Writes $ne as "missing, or a different value", so {"$ne": None} also returns documents that
lack the field (MongoDB's $ne is exactly the opposite of equality)."""

import _reference
from _reference import *
from _reference import _MISSING, _equals

_original_apply = _reference._apply


def _apply(op, value, operand):
    if op == "$ne":
        return value is _MISSING or not _equals(value, operand)
    return _original_apply(op, value, operand)


_reference._apply = _apply
