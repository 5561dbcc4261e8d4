"""token_required splits request.headers["Authorization"] blindly and hides errors in a bare except.

As in the bank's sample: a missing header is a KeyError (Flask turns it into a 400), `Bearer`
alone is an IndexError outside the try (a 500), and an invalid token gets a 200 "Invalid token".
"""

from functools import wraps

import _reference
from _reference import *
from flask import current_app, g, request


def token_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        token = request.headers["Authorization"].split(" ")[1]
        try:
            g.claims = decode_token(token, current_app.config["JWT_SECRET_KEY"])
        except:  # noqa: E722
            return "Invalid token"
        return view(*args, **kwargs)

    return wrapper


@token_required
def me():
    return {"sub": g.claims["sub"], "role": g.claims["role"]}


@roles_required("admin")
def admin():
    return {"message": f"hello, admin {g.claims['sub']}"}


_reference.token_required = token_required
_reference.me = me
_reference.admin = admin
