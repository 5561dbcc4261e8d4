"""Lower-cases the Origin before comparing, so https://GOOD.example.com is allowed."""

import _reference
from _reference import *


def is_allowed(self, origin):
    return origin is not None and origin.lower() in self.allowed_origins


_reference.CorsPolicy.is_allowed = is_allowed
