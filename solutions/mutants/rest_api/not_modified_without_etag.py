"""Answers 304 without repeating the ETag header."""

import _reference
from _reference import *
from flask import Flask


def create_app() -> Flask:
    app = _reference.create_app()
    view = app.view_functions["get_user"]

    def get_user(user_id: int):
        response = view(user_id)
        if response.status_code == 304:
            del response.headers["ETag"]
        return response

    app.view_functions["get_user"] = get_user
    return app
