"""GET /auth/whoami answers 401 without a WWW-Authenticate header."""

from __future__ import annotations

from typing import Any

from _reference.auth import *

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.get("/whoami")
def whoami() -> Any:
    user = current_user()
    if user is None:
        return jsonify(error="a valid bearer token is required"), 401
    return jsonify(user=user["user"], role=user["role"])

