"""Reads X-Forwarded-For/Proto by hand and trusts the leftmost, client-written values."""

import _reference
from _reference import *
from flask import jsonify, redirect, request


def create_app(settings, x_for=1, x_proto=1):
    app = _reference.create_app(settings, 0, 0)  # no ProxyFix: the headers by hand

    def is_https():
        forwarded = request.headers.get("X-Forwarded-Proto", "")
        return request.is_secure or forwarded.split(",")[0].strip() == "https"

    def force_https():
        if not is_https():
            if _reference._is_api(request.path):
                return jsonify(error="https only"), 403
            return redirect(request.url.replace("http://", "https://", 1), code=308)
        return None

    def add_hsts(response):
        if is_https():
            response.headers["Strict-Transport-Security"] = HSTS_VALUE
        return response

    def client_ip():
        forwarded = request.headers.get("X-Forwarded-For")
        return jsonify(ip=forwarded.split(",")[0].strip() if forwarded else request.remote_addr)

    # In place of the reference's hooks and /client-ip view, which rely on ProxyFix.
    app.before_request_funcs[None] = [force_https]
    app.after_request_funcs[None] = [add_hsts]
    app.view_functions["client_ip"] = client_ip
    return app
