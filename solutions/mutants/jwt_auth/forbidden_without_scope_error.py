"""roles_required answers a bare 403 with no WWW-Authenticate: Bearer error="insufficient_scope"."""

from functools import wraps

import _reference
from _reference import *
from flask import g, jsonify


def roles_required(*roles):
    if not roles:
        raise ValueError("roles_required() needs at least one role")
    for role in roles:
        if not isinstance(role, str):
            raise TypeError("roles must be strings")

    def decorator(view):
        @wraps(view)
        def check_role(*args, **kwargs):
            if g.claims["role"] not in roles:
                return jsonify(error="forbidden"), 403
            return view(*args, **kwargs)

        return _reference.token_required(check_role)

    return decorator


_reference.roles_required = roles_required


@roles_required("admin")
def admin():
    return jsonify(message=f"hello, admin {g.claims['sub']}")


_reference.admin = admin
