"""Checks parameter types but not finiteness, and encodes the log with json.dumps' default
allow_nan=True: a NaN reaches the primary instead of a ValueError up front."""

import json

import _reference
from _reference import *


def _check_value(value):
    if value is None or isinstance(value, bool | int | float | str):
        return
    raise TypeError(f"cannot replicate a parameter of type {type(value).__name__}")


_reference._check_value = _check_value
_reference.json = type("json", (), {"dumps": staticmethod(lambda obj, **_: json.dumps(obj)),
                                    "loads": staticmethod(json.loads)})
