"""Refuses every write without an Origin header, which breaks curl and server-to-server calls."""

import _reference
from _reference import *
from flask import Flask, request

_original_init = _reference.init_cors


def init_cors(app: Flask, policy: CorsPolicy) -> None:
    _original_init(app, policy)

    @app.before_request
    def no_origin_no_write():
        if request.method not in _reference.SAFE_METHODS and "Origin" not in request.headers:
            return _reference.forbidden("send an Origin header"), 403
        return None


def create_app(policy: CorsPolicy) -> Flask:
    saved = _reference.init_cors
    _reference.init_cors = init_cors
    try:
        return _reference.create_app(policy)
    finally:
        _reference.init_cors = saved
