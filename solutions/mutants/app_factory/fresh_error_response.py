"""Builds each JSON error response from scratch with jsonify, so a 405 loses its Allow header."""

import _reference
from _reference import *
from flask import jsonify
from werkzeug.exceptions import HTTPException

_original = _reference.register_error_handlers


def register_error_handlers(app):
    _original(app)

    @app.errorhandler(HTTPException)
    def http_error(error):
        return jsonify(error=error.name, message=error.description), error.code


_reference.register_error_handlers = register_error_handlers
