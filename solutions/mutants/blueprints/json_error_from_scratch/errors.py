"""json_error builds a new response with jsonify, so a 405 loses its Allow header."""

from __future__ import annotations

from flask import Response, jsonify
from werkzeug.exceptions import HTTPException


def json_error(error: HTTPException) -> Response:
    response = jsonify(error=error.name, message=error.description)
    response.status_code = error.code or 500
    return response
