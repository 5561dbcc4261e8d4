"""Sends Strict-Transport-Security on every response, plain-http redirects included."""

from _reference import *
from flask import Flask, jsonify, redirect, request
from werkzeug.middleware.proxy_fix import ProxyFix


def create_app(settings, trusted_hops=1):
    app = Flask(__name__)
    app.config["SECRET_KEY"] = settings.secret_key
    if trusted_hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted_hops, x_proto=trusted_hops)

    @app.before_request
    def force_https():
        if not request.is_secure:
            return redirect(request.url.replace("http://", "https://", 1), code=308)
        return None

    @app.after_request
    def add_hsts(response):
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
