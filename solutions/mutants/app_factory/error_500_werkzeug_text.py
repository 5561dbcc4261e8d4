"""Answers a 500 with werkzeug's description instead of the fixed sentence the README gives."""

import _reference
from _reference import *
from flask import jsonify
from werkzeug.exceptions import InternalServerError

_original = _reference.register_error_handlers


def register_error_handlers(app):
    _original(app)

    @app.errorhandler(InternalServerError)
    def server_error(error):
        return jsonify(error="Internal Server Error", message=error.description), 500


_reference.register_error_handlers = register_error_handlers
