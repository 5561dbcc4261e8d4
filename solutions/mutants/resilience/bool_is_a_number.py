"""Accepts True as a number (bool is an int subclass): TTLCache(maxsize=1, ttl=True) passes."""

from __future__ import annotations

import _reference
from _reference import *


def _check_positive(name: str, value: object) -> float:
    if not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number, not {type(value).__name__}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def _check_count(name: str, value: object) -> int:
    if not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value!r}")
    return value


_reference._check_positive = _check_positive


_reference._check_count = _check_count
