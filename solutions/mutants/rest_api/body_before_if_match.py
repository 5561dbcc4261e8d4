"""Validates the PUT body before If-Match, so a stale tag with a bad body gets 400/415/422."""

import _reference
from _reference import *
from flask import Flask, jsonify, request


def create_app() -> Flask:
    app = _reference.create_app()
    store = app.extensions["users"]

    def replace_user(user_id: int):
        store.get(user_id)
        data = _reference.read_user_body()
        user = store.replace(user_id, request.if_match, lambda: data)
        response = jsonify(user)
        response.set_etag(_reference.etag_of(user))
        return response

    app.view_functions["replace_user"] = replace_user
    return app
