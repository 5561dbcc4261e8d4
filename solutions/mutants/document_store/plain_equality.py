"""Compares values with plain `==`, so a query for `True` also matches the number 1.

In Python `True == 1` and `1 == 1.0`; in JSON a boolean is not a number.
"""

import _reference
from _reference import *


def _same(a, b):
    return a == b


_reference._same = _same
