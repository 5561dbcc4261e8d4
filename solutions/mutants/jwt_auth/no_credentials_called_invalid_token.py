"""Every 401 says error="invalid_token", even when no token was sent (RFC 6750 says not to)."""

import _reference
from _reference import *


def _unauthorized(message, *, invalid_token=True):
    return _reference.jsonify(error=message), 401, {
        "WWW-Authenticate": _reference.REALM + ', error="invalid_token"'}


_reference._unauthorized = _unauthorized
