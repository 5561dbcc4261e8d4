"""The JSON error handler uses bp.app_errorhandler, so it replaces every HTML error page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from .auth import current_user
from .errors import json_error

ROLES = frozenset({"admin", "user"})

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.app_errorhandler(HTTPException)(json_error)


@bp.before_request
def require_admin() -> Any:
    """Runs before every admin view (and only those); returning a response stops the request."""
    user = current_user()
    if user is None:
        return (
            jsonify(error="a valid bearer token is required"),
            401,
            {"WWW-Authenticate": 'Bearer realm="kata"'},
        )
    if user["role"] != "admin":
        return jsonify(error="admins only"), 403
    return None


def _find(name: str) -> dict[str, str]:
    for identity in current_app.config["API_TOKENS"].values():
        if identity["user"] == name:
            return identity
    abort(404, description=f"there is no user named {name!r}")


@bp.get("/users")
def list_users() -> Any:
    """GET /admin/users -> {"users": [sorted names]}."""
    names = sorted({identity["user"] for identity in current_app.config["API_TOKENS"].values()})
    return jsonify(users=names)


@bp.get("/users/<name>")
def get_user(name: str) -> Any:
    """GET /admin/users/<name> -> {"user", "role"}, 404 if unknown."""
    identity = _find(name)
    return jsonify(user=identity["user"], role=identity["role"])


@bp.put("/users/<name>")
def set_role(name: str) -> Any:
    """PUT /admin/users/<name> {"role": "admin"|"user"} -> {"user", "role"}."""
    identity = _find(name)
    data = request.get_json()  # 415 / 400 on a bad body, rendered as JSON by json_error
    role = data.get("role") if isinstance(data, dict) else None
    if not isinstance(role, str) or role not in ROLES:  # a list is not hashable: check first
        abort(400, description=f'the body must be {{"role": ...}} with one of {sorted(ROLES)}')
    identity["role"] = role
    return jsonify(user=identity["user"], role=identity["role"])
