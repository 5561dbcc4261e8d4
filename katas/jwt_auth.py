"""JWT authentication and role-based authorization for a Flask API.

Read katas/jwt_auth.md, then replace each `raise NotImplementedError` with your code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any

import jwt
from flask import Flask, current_app, g, jsonify, request
from werkzeug.security import check_password_hash, generate_password_hash

ALGORITHM = "HS256"
MIN_SECRET_LENGTH = 32
DEFAULT_TTL = timedelta(minutes=15)
REQUIRED_CLAIMS = ["sub", "role", "iat", "exp"]

View = Callable[..., Any]


def hash_password(password: str) -> str:
    """Task 1: a salted, slow hash of `password` that is safe to store.

    TypeError if `password` is not a str, ValueError if it is empty.
    """
    raise NotImplementedError("Task 1: hash_password")


def verify_password(password_hash: str, password: str) -> bool:
    """Task 1: True when `password` matches `password_hash`, False for anything else."""
    raise NotImplementedError("Task 1: verify_password")


def create_token(
    subject: str,
    role: str,
    secret: str,
    *,
    ttl: timedelta = DEFAULT_TTL,
    now: datetime | None = None,
) -> str:
    """Task 2: an HS256 JWT with the claims sub, role, iat (= now) and exp (= now + ttl).

    `now` defaults to datetime.now(UTC). TypeError for a non-str subject or role,
    ValueError for an empty one, a naive `now` or a ttl that is not positive.
    """
    raise NotImplementedError("Task 2: create_token")


def decode_token(token: str, secret: str) -> dict[str, Any]:
    """Task 2: the verified claims of an HS256 `token`.

    Requires every claim in REQUIRED_CLAIMS; raises a jwt.InvalidTokenError subclass otherwise.
    """
    raise NotImplementedError("Task 2: decode_token")


def token_required(view: View) -> View:
    """Task 4: let the request in only with `Authorization: Bearer <valid token>`.

    Stores the verified claims in flask.g.claims; otherwise answers 401 with a
    `WWW-Authenticate: Bearer ...` header and a JSON body {"error": "..."}.
    """
    raise NotImplementedError("Task 4: token_required")


def roles_required(*roles: str) -> Callable[[View], View]:
    """Task 5: like token_required, and the token's role must be one of `roles` (else 403 JSON).

    ValueError without roles, TypeError for a role that is not a str.
    """
    raise NotImplementedError("Task 5: roles_required")


def create_app(config: Mapping[str, Any]) -> Flask:
    """Task 3: the API with POST /login (Task 3), GET /me (Task 4) and GET /admin (Task 5).

    config: JWT_SECRET_KEY (str, >= 32 characters, else ValueError), USERS
    ({username: {"password_hash": str, "role": str}}) and JWT_TTL (timedelta, default 15 min).
    """
    raise NotImplementedError("Task 3: create_app")
