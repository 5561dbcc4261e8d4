"""Error handlers that blueprints can register for themselves."""

from __future__ import annotations

import json

from flask import Response
from werkzeug.exceptions import HTTPException


def json_error(error: HTTPException) -> Response:
    """Render any HTTP error as ``{"error": name, "message": description}``."""
    response = error.get_response()  # keeps the status and headers such as Allow
    response.data = json.dumps({"error": error.name, "message": error.description})
    response.content_type = "application/json"
    return response
