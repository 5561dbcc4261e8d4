"""The admin guard answers 403 to a caller without credentials, where 401 is due."""

from __future__ import annotations

from typing import Any

from _reference.admin import *


def require_admin() -> Any:
    user = current_user()
    if user is None or user["role"] != "admin":
        return jsonify(error="admins only"), 403
    return None


bp.before_request_funcs[None] = [require_admin]  # in place of the reference's guard
