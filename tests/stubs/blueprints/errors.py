"""Error handlers that blueprints can register for themselves."""

from __future__ import annotations

import json

from flask import Response
from werkzeug.exceptions import HTTPException


def json_error(error: HTTPException) -> Response:
    """Task 4: the error as JSON {"error": error.name, "message": error.description}."""
    raise NotImplementedError("Task 4: json_error")
