"""Leaves Flask's default HTML error pages for 404 and 405 instead of JSON error bodies."""

import _reference
from _reference import *
from flask import Flask
from werkzeug.exceptions import HTTPException


def create_app() -> Flask:
    app = _reference.create_app()
    # No handler for HTTPException: Flask answers 404 and 405 with its default HTML page.
    del app.error_handler_spec[None][None][HTTPException]
    return app
