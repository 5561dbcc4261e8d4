"""roles_required reads the role from the unverified payload, so a re-encoded role=admin passes."""

from functools import wraps

import _reference
import jwt
from _reference import *
from flask import g, jsonify, request


def roles_required(*roles):
    if not roles:
        raise ValueError("roles_required() needs at least one role")
    for role in roles:
        if not isinstance(role, str):
            raise TypeError("roles must be strings")

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            token = request.headers.get("Authorization", "").partition(" ")[2].strip()
            try:
                claims = jwt.decode(token, options={"verify_signature": False})
            except jwt.InvalidTokenError:
                return jsonify(error="the token is invalid"), 401, {"WWW-Authenticate": "Bearer"}
            if claims.get("role") not in roles:
                return jsonify(error="forbidden"), 403
            g.claims = claims
            return view(*args, **kwargs)

        return wrapper

    return decorator


@roles_required("admin")
def admin():
    return jsonify(message=f"hello, admin {g.claims['sub']}")


_reference.roles_required = roles_required
_reference.admin = admin
