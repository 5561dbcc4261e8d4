"""Sends Strict-Transport-Security on every response, plain-http redirects included."""

import _reference
from _reference import *


def create_app(settings, x_for=1, x_proto=1):
    app = _reference.create_app(settings, x_for, x_proto)

    @app.after_request  # runs before the reference's own add_hsts, on every response
    def add_hsts_always(response):
        response.headers["Strict-Transport-Security"] = HSTS_VALUE
        return response

    return app
