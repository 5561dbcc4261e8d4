"""Allows only None, int and str parameters ("floats are not exact"), refusing every float."""

import _reference
from _reference import *


def _check_value(value):
    if value is None or isinstance(value, bool | int | str):
        return
    raise TypeError(f"cannot replicate a parameter of type {type(value).__name__}")


_reference._check_value = _check_value
