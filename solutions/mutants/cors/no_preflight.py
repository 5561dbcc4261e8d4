"""Forgets preflights: OPTIONS falls through to Flask's automatic 200 with no Allow-Methods."""

import _reference
from _reference import *

_reference.is_preflight = lambda: False
