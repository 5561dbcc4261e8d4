"""Orders booleans as numbers: in Python True > 0, so `{"active": {"$gte": 0}}` matches `true`.

In JSON (and MongoDB) a boolean is not a number; the range operators must skip it.
"""

import _reference
from _reference import *


def _comparable(a, b):
    numbers = int | float
    return (isinstance(a, numbers) and isinstance(b, numbers)) or (
        isinstance(a, str) and isinstance(b, str))


_reference._comparable = _comparable
