"""Checks the new role against "admin" only, so demoting a user back to "user" is a 400."""

from __future__ import annotations

from typing import Any

import _reference.admin as ref
from _reference.admin import *

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.register_error_handler(HTTPException, json_error)
bp.before_request(ref.require_admin)
bp.get("/users")(ref.list_users)
bp.get("/users/<name>")(ref.get_user)


@bp.put("/users/<name>")
def set_role(name: str) -> Any:
    identity = ref._find(name)
    data = request.get_json()
    role = data.get("role") if isinstance(data, dict) else None
    if role != "admin":
        abort(400, description='the body must be {"role": "admin"}')
    identity["role"] = role
    return jsonify(user=identity["user"], role=identity["role"])

