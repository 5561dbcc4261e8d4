"""Remembers the last created user in flask.session, so the API sets a cookie (not stateless)."""

import secrets

import _reference
from _reference import *
from flask import Flask, session


def create_app() -> Flask:
    app = _reference.create_app()
    app.secret_key = secrets.token_hex(16)

    @app.after_request
    def remember(response):
        if response.status_code == 201:
            session["last_created"] = response.get_json()["id"]
        return response

    return app
