"""Answers a 500 with the exception's type and text, leaking internals (and secrets)."""

import _reference
from _reference import *
from flask import jsonify
from werkzeug.exceptions import InternalServerError

_original = _reference.register_error_handlers


def register_error_handlers(app):
    _original(app)

    @app.errorhandler(InternalServerError)
    def server_error(error):
        original = error.original_exception
        return jsonify(error="Internal Server Error", message=repr(original)), 500


_reference.register_error_handlers = register_error_handlers
