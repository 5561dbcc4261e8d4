"""require_api_key sends the WWW-Authenticate challenge only when the header is missing.

A wrong key gets a bare 401 without it: a header required on every 401 (RFC 9110) but set on
one error path only.
"""

import functools
import hmac

from _reference import *
from flask import current_app, jsonify, request


def require_api_key(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        expected = current_app.config.get("API_KEY")
        given = request.headers.get("X-API-Key")
        if given is None:
            response = jsonify(error="missing or invalid API key")
            response.status_code = 401
            response.headers["WWW-Authenticate"] = 'ApiKey header="X-API-Key"'
            return response
        if (
            not isinstance(expected, str)
            or not expected
            or not hmac.compare_digest(given.encode(), expected.encode())
        ):
            return jsonify(error="missing or invalid API key"), 401
        return current_app.ensure_sync(view)(*args, **kwargs)

    return wrapper
