"""The NumericDate check is isinstance(v, (int, float)); True is an int, so "iat": true passes."""

import _reference
import jwt
from _reference import *


def _is_numeric_date(value):
    return isinstance(value, int | float)


_reference._is_numeric_date = _is_numeric_date
