"""Refuses cross-origin writes in after_request: the 403 is right, but the view already ran."""

import _reference
from _reference import *
from flask import Flask, request

_original_init = _reference.init_cors


def init_cors(app: Flask, policy: CorsPolicy) -> None:
    _original_init(app, policy)
    funcs = app.before_request_funcs[None]
    check = funcs[-1]

    def preflight_only():
        return check() if _reference.is_preflight() else None

    funcs[-1] = preflight_only

    def refuse_late(response):
        origin = request.headers.get("Origin")
        unsafe = request.method not in _reference.SAFE_METHODS
        if unsafe and origin is not None and not policy.is_allowed(origin):
            refused = _reference.forbidden("cross-origin request refused")
            refused.status_code = 403
            refused.vary.add("Origin")
            return refused
        return response

    app.after_request_funcs.setdefault(None, []).insert(0, refuse_late)


def create_app(policy: CorsPolicy) -> Flask:
    saved = _reference.init_cors
    _reference.init_cors = init_cors
    try:
        return _reference.create_app(policy)
    finally:
        _reference.init_cors = saved
