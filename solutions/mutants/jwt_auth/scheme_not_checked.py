"""token_required takes the second word of the header whatever the scheme: `Basic <jwt>` passes."""

from functools import wraps

import _reference
import jwt
from _reference import *
from flask import current_app, g, request


def token_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization")
        if header is None:
            return _reference._unauthorized("a bearer token is required", invalid_token=False)
        _, _, token = header.partition(" ")
        token = token.strip()
        if not token or " " in token:
            return _reference._unauthorized("malformed Authorization header")
        try:
            g.claims = decode_token(token, current_app.config["JWT_SECRET_KEY"])
        except jwt.InvalidTokenError:
            return _reference._unauthorized("the token is invalid")
        return view(*args, **kwargs)

    return wrapper


_reference.token_required = token_required


@token_required
def me():
    return {"sub": g.claims["sub"], "role": g.claims["role"]}


_reference.me = me
