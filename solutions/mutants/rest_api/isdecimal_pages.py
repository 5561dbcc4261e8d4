"""Checks ?page= with str.isdecimal(), which also accepts non-ASCII digits such as '５' and '١'."""

import _reference
from _reference import *
from flask import request


def int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdecimal() or len(raw) > len(str(high)) or not low <= int(raw) <= high:
        raise _reference.ApiError(400, f"{name} must be an integer from {low} to {high}")
    return int(raw)


_reference.int_arg = int_arg
