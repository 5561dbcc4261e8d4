"""Checks counts with isinstance(value, int | float): maxsize=2.0 or attempts=2.0 passes."""

from __future__ import annotations

import _reference
from _reference import *


def _check_count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value!r}")
    return value


_reference._check_count = _check_count
