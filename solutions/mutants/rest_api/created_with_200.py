"""Answers a successful POST with 200 and no Location header instead of 201 + Location."""

import _reference
from _reference import *
from flask import Flask, jsonify


def create_app() -> Flask:
    app = _reference.create_app()
    store = app.extensions["users"]

    def create_user():
        return jsonify(store.create(_reference.read_user_body()))

    app.view_functions["create_user"] = create_user
    return app
