"""Compares If-None-Match with the tag as a plain string: a list, W/"..." or * never match."""

import _reference
from _reference import *
from flask import Flask, jsonify, request
from werkzeug.http import quote_etag


def create_app() -> Flask:
    app = _reference.create_app()
    store = app.extensions["users"]

    def get_user(user_id: int):
        user = store.get(user_id)
        tag = quote_etag(_reference.etag_of(user))
        if request.headers.get("If-None-Match") == tag:
            return "", 304, {"ETag": tag}
        response = jsonify(user)
        response.headers["ETag"] = tag
        return response

    app.view_functions["get_user"] = get_user
    return app
