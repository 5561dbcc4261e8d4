"""Ignores conditional requests: no ETag, no 304, and PUT ignores If-Match (the old behaviour)."""

import _reference
from _reference import *
from flask import Flask, jsonify
from werkzeug.datastructures import ETags


def create_app() -> Flask:
    app = _reference.create_app()
    store = app.extensions["users"]

    def get_user(user_id: int):
        return jsonify(store.get(user_id))

    def replace_user(user_id: int):
        return jsonify(store.replace(user_id, ETags(), _reference.read_user_body))

    app.view_functions["get_user"] = get_user
    app.view_functions["replace_user"] = replace_user
    return app
