"""Every origin allowed with Access-Control-Allow-Origin: *, as CORS(app, send_wildcard=True) does.

(The bank's bare CORS(app) is as open: flask-cors then echoes whatever Origin came.)
"""

import _reference
from _reference import *
from flask import Flask, request


def init_cors(app: Flask, policy: CorsPolicy) -> None:
    @app.before_request
    def answer_preflight():
        if _reference.is_preflight():
            response = app.response_class(status=204)
            response.headers["Access-Control-Allow-Origin"] = "*"
            response.headers["Access-Control-Allow-Methods"] = ", ".join(policy.allow_methods)
            response.headers["Access-Control-Allow-Headers"] = request.headers.get(
                "Access-Control-Request-Headers", ", ".join(policy.allow_headers))
            response.headers["Access-Control-Max-Age"] = str(policy.max_age)
            return response
        return None

    @app.after_request
    def add_cors_headers(response):
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response


_reference.init_cors = init_cors
