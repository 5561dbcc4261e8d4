"""The API key is compared with == against the config value, not with hmac.compare_digest.

``==`` stops at the first differing character (a timing leak), and with no key configured
``None == None`` lets a request without the header straight in.
"""

import functools

from _reference import *
from flask import current_app, jsonify, request


def require_api_key(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if request.headers.get("X-API-Key") != current_app.config.get("API_KEY"):
            return jsonify(error="missing or invalid API key"), 401
        return view(*args, **kwargs)

    return wrapper
