"""Adds CORS headers to a refused preflight too (allowed origin, method not allowed)."""

import _reference
from _reference import *

_original_init = _reference.init_cors


def init_cors(app, policy):
    _original_init(app, policy)
    from flask import request

    @app.after_request
    def add_even_when_refused(response):
        origin = request.headers.get("Origin")
        if response.status_code == 403 and policy.is_allowed(origin):
            response.headers["Access-Control-Allow-Origin"] = origin
        return response


_reference.init_cors = init_cors
