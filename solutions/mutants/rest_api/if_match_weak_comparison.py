"""Compares If-Match the weak way, so W/"tag" is accepted where the strong comparison is due."""

import _reference
from _reference import *
from flask import Flask, jsonify, request
from werkzeug.datastructures import ETags


def create_app() -> Flask:
    app = _reference.create_app()
    store = app.extensions["users"]

    def replace_user(user_id: int):
        current = store.get(user_id)
        if request.if_match and not request.if_match.contains_weak(_reference.etag_of(current)):
            raise _reference.ApiError(412, "changed since you read it")
        user = store.replace(user_id, ETags(), _reference.read_user_body)
        response = jsonify(user)
        response.set_etag(_reference.etag_of(user))
        return response

    app.view_functions["replace_user"] = replace_user
    return app
