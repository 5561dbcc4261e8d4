"""Checks the allow-list but answers `*` with Allow-Credentials: true (browsers refuse it)."""

import _reference
from _reference import *
from flask import Flask

_original = _reference.init_cors


def init_cors(app: Flask, policy: CorsPolicy) -> None:
    @app.after_request
    def star(response):
        if "Access-Control-Allow-Origin" in response.headers:
            response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    _original(app, policy)  # registered after, so it runs first and star() rewrites its work


_reference.init_cors = init_cors
