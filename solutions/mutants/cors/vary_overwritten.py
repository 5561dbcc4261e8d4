"""Sets the Vary header to "Origin", overwriting what the view had already put there."""

import _reference
from _reference import *
from flask import Flask

_original = _reference.init_cors


def init_cors(app: Flask, policy: CorsPolicy) -> None:
    _original(app, policy)

    @app.after_request
    def set_vary(response):
        response.headers["Vary"] = "Origin"
        return response


_reference.init_cors = init_cors
