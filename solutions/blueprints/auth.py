"""The auth blueprint: who is calling, from an ``Authorization: Bearer <token>`` header."""

from __future__ import annotations

import hmac
from typing import Any

from flask import Blueprint, current_app, jsonify, request

bp = Blueprint("auth", __name__, url_prefix="/auth")


def current_user() -> dict[str, str] | None:
    """The ``{"user", "role"}`` of the request's bearer token, or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    found = None
    for known, identity in current_app.config["API_TOKENS"].items():
        # compare_digest: the time taken does not reveal how much of a token was right.
        if hmac.compare_digest(known.encode(), token.encode()):
            found = identity
    return found


@bp.get("/whoami")
def whoami() -> Any:
    """GET /auth/whoami -> the caller's identity, or 401."""
    user = current_user()
    if user is None:
        return (
            jsonify(error="a valid bearer token is required"),
            401,
            {"WWW-Authenticate": 'Bearer realm="kata"'},
        )
    return jsonify(user=user["user"], role=user["role"])
