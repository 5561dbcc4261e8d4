"""require_api_key calls the view directly, so an async def view hands Flask a coroutine.

Flask decides how to run a view by checking the function it registered: the sync wrapper.
The wrapper returns the async view's coroutine unawaited, and Flask answers 500 ("the view
function did not return a valid response ... it was a coroutine"). The old behaviour.
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
        if (
            not isinstance(expected, str)
            or not expected
            or given is None
            or not hmac.compare_digest(given.encode(), expected.encode())
        ):
            response = jsonify(error="missing or invalid API key")
            response.status_code = 401
            response.headers["WWW-Authenticate"] = 'ApiKey header="X-API-Key"'
            return response
        return view(*args, **kwargs)

    return wrapper
