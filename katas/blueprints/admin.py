"""The admin blueprint: every route needs an admin token; its errors are JSON."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from .auth import current_user
from .errors import json_error

ROLES = frozenset({"admin", "user"})

bp = Blueprint("admin", __name__, url_prefix="/admin")


def require_admin() -> Any:
    """Task 3: runs before every admin view: None to go on, or a 401 / 403 JSON response."""
    raise NotImplementedError("Task 3: require_admin")


def list_users() -> Any:
    """Task 3: GET /admin/users -> {"users": [sorted user names]}."""
    raise NotImplementedError("Task 3: list_users")


def get_user(name: str) -> Any:
    """Task 3: GET /admin/users/<name> -> {"user", "role"}; 404 for an unknown name (Task 4)."""
    raise NotImplementedError("Task 3: get_user")


def set_role(name: str) -> Any:
    """Task 3: PUT /admin/users/<name> {"role": "admin" | "user"} -> {"user", "role"}."""
    raise NotImplementedError("Task 3: set_role")
