"""Reads X-Forwarded-For/Proto by hand and trusts the leftmost, client-written values."""

from _reference import *
from flask import Flask, jsonify, redirect, request


def create_app(settings, trusted_hops=1):
    app = Flask(__name__)
    app.config["SECRET_KEY"] = settings.secret_key

    def is_https():
        forwarded = request.headers.get("X-Forwarded-Proto", "")
        return request.is_secure or forwarded.split(",")[0].strip() == "https"

    @app.before_request
    def force_https():
        if not is_https():
            return redirect(request.url.replace("http://", "https://", 1), code=308)
        return None

    @app.after_request
    def add_hsts(response):
        if is_https():
            response.headers["Strict-Transport-Security"] = HSTS_VALUE
        return response

    @app.get("/api/secret")
    def api_secret():
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not tokens_match(settings.api_token, token.strip()):
            response = jsonify(error="invalid or missing API token")
            response.status_code = 401
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
        return jsonify(ok=True)

    @app.get("/client-ip")
    def client_ip():
        forwarded = request.headers.get("X-Forwarded-For")
        return jsonify(ip=forwarded.split(",")[0].strip() if forwarded else request.remote_addr)

    return app
