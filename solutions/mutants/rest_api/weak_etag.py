"""Sends a weak ETag (W/"..."), which an If-Match can never match (strong comparison)."""

import _reference
from _reference import *
from flask import Flask, jsonify, request


def create_app() -> Flask:
    app = _reference.create_app()
    store = app.extensions["users"]

    def get_user(user_id: int):
        user = store.get(user_id)
        response = jsonify(user)
        response.set_etag(_reference.etag_of(user), weak=True)
        return response.make_conditional(request)

    app.view_functions["get_user"] = get_user
    return app
