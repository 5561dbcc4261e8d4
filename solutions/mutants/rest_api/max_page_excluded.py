"""Refuses page=1000000 although MAX_PAGE itself is allowed (< where <= is due)."""

import _reference
from _reference import *

_reference.MAX_PAGE = MAX_PAGE - 1
