"""The auth blueprint: who is calling, from an `Authorization: Bearer <token>` header."""

from __future__ import annotations

import hmac
from typing import Any

from flask import Blueprint, current_app, jsonify, request

bp = Blueprint("auth", __name__, url_prefix="/auth")


def current_user() -> dict[str, str] | None:
    """Task 1: the {"user", "role"} of the request's bearer token in API_TOKENS, or None."""
    raise NotImplementedError("Task 1: current_user")


def whoami() -> Any:
    """Task 1: GET /auth/whoami -> 200 {"user", "role"}, or 401 {"error": ...}."""
    raise NotImplementedError("Task 1: whoami")
