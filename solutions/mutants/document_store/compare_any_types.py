"""Orders values of any type with `>`/`<`, so `$gt: 40` crashes on a document whose age is a string.

Schema-less means documents of other shapes must simply not match, not raise TypeError.
"""

import _reference
from _reference import *


def _comparable(a, b):
    return True


_reference._comparable = _comparable
