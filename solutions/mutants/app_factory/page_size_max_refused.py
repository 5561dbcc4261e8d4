"""Refuses PAGE_SIZE=1000 (< MAX_PAGE_SIZE where <= is due)."""

import _reference
from _reference import *

_reference.MAX_PAGE_SIZE = MAX_PAGE_SIZE - 1
