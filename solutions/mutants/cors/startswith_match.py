"""Matches origins with startswith(), so another port or a longer host slips through."""

import _reference
from _reference import *


def is_allowed(self, origin):
    return bool(origin) and origin.startswith(tuple(self.allowed_origins))


_reference.CorsPolicy.is_allowed = is_allowed
