"""Validates the PUT body before If-Match, so a stale tag with a bad body gets 400/415/422."""

import _reference
from _reference import *
from flask import Flask, jsonify, request


def create_app() -> Flask:
    app = _reference.create_app()
    store = app.extensions["users"]

    def replace_user(user_id: int):
        current = store.get(user_id)
        data = _reference.read_user_body()
        if request.if_match and not request.if_match.contains(_reference.etag_of(current)):
            raise _reference.ApiError(412, "changed since you read it")
        user = store.replace(user_id, data)
        response = jsonify(user)
        response.set_etag(_reference.etag_of(user))
        return response

    app.view_functions["replace_user"] = replace_user
    return app
