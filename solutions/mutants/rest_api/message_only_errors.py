"""Error bodies carry only a message, with no 'error' reason phrase."""

import _reference
from _reference import *
from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException


def create_app() -> Flask:
    app = _reference.create_app()

    def api_error(error):
        return jsonify(message=error.message), error.status

    def http_error(error: HTTPException):
        response = error.get_response()
        response.data = app.json.dumps({"message": error.description})
        response.content_type = "application/json"
        return response

    app.error_handler_spec[None][None][_reference.ApiError] = api_error
    app.error_handler_spec[None][None][HTTPException] = http_error
    return app
