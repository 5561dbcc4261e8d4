"""Pages are redirected with 301, which lets clients turn a POST into a GET and drop its body."""

import _reference
from _reference import *
from flask import redirect, request

_right = _reference.create_app


def create_app(settings, x_for=1, x_proto=1):
    app = _right(settings, x_for, x_proto)
    (check,) = app.before_request_funcs[None]

    def require_https():
        response = check()
        if response is not None and response.status_code == 308:
            return redirect(request.url.replace("http://", "https://", 1), code=301)
        return response

    app.before_request_funcs[None] = [require_https]
    return app
