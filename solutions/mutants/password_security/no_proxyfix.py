"""Forgets ProxyFix: behind a TLS-terminating proxy every request looks like http, forever."""

from _reference import *
from flask import Flask, jsonify, redirect, request


def create_app(settings, trusted_hops=1):
    app = Flask(__name__)
    app.config["SECRET_KEY"] = settings.secret_key

    @app.before_request
    def force_https():
        if not request.is_secure:
            return redirect(request.url.replace("http://", "https://", 1), code=308)
        return None

    @app.after_request
    def add_hsts(response):
        if request.is_secure:
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
        return jsonify(ip=request.remote_addr)

    return app
