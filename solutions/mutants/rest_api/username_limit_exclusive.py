"""Refuses a username of exactly 50 characters (< MAX_USERNAME where <= is due)."""

import _reference
from _reference import *

_reference.MAX_USERNAME = MAX_USERNAME - 1
