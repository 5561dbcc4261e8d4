"""Matches origins with `in` on the string, so https://good.example.com.evil.com is allowed."""

import _reference
from _reference import *


def is_allowed(self, origin):
    return bool(origin) and any(allowed in origin for allowed in self.allowed_origins)


_reference.CorsPolicy.is_allowed = is_allowed
