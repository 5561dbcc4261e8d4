"""Upper-cases the requested method before comparing, so a preflight for "put" is accepted."""

import _reference
from _reference import *

_original = _reference.CorsPolicy.allows_preflight


def allows_preflight(self, origin, method, headers):
    return _original(self, origin, method.upper(), headers)


_reference.CorsPolicy.allows_preflight = allows_preflight
