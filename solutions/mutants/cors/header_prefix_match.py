"""Matches requested header names by prefix, so "Content-Type-Extra" passes as "Content-Type"."""

import _reference
from _reference import *


def allows_preflight(self, origin, method, headers):
    allowed = [a.lower() for a in self.allow_headers]
    return (
        self.is_allowed(origin)
        and method in self.allow_methods
        and all(any(h.lower().startswith(a) for a in allowed) for h in headers)
    )


_reference.CorsPolicy.allows_preflight = allows_preflight
