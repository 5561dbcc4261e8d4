"""Builds the JSON error response from scratch, so a 405 loses its Allow header."""

import _reference
from _reference import *
from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException


def create_app() -> Flask:
    app = _reference.create_app()

    def http_error(error: HTTPException):
        return jsonify(error=error.name, message=error.description), error.code

    app.error_handler_spec[None][None][HTTPException] = http_error
    return app
