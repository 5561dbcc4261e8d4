"""Converts ?page= with int() before any length check, so a 5,000-digit page is a 500."""

import _reference
from _reference import *
from flask import request


def int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not _reference.DIGITS.fullmatch(raw) or not low <= int(raw) <= high:
        raise _reference.ApiError(400, f"{name} must be an integer from {low} to {high}")
    return int(raw)


_reference.int_arg = int_arg
