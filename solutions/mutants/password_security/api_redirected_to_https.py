"""The API is redirected to https like a page, after its bearer token crossed the net in clear."""

import _reference
from _reference import *
from flask import redirect, request


def create_app(settings, x_for=1, x_proto=1):
    app = _reference.create_app(settings, x_for, x_proto)

    def require_https():
        if not request.is_secure:
            return redirect(request.url.replace("http://", "https://", 1), code=308)
        return None

    app.before_request_funcs[None] = [require_https]
    return app
