"""JWT authentication and role-based authorization for a Flask API.

Read katas/jwt_auth.md, then replace each `raise NotImplementedError` with your code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app, g, jsonify, request

ALGORITHM = "HS256"
MIN_SECRET_LENGTH = 32
DEFAULT_TTL = timedelta(minutes=15)
DEFAULT_REFRESH_TTL = timedelta(days=7)
ISSUER = "https://auth.kata.example"
AUDIENCE = "kata-api"
REQUIRED_CLAIMS = ["sub", "role", "iss", "aud", "iat", "exp"]

View = Callable[..., Any]
Clock = Callable[[], datetime]

# --- Given: password hashing (the password_security kata goes deeper) --------------------------

_HASHER = PasswordHasher()  # argon2id with RFC 9106's parameters, above OWASP's minimum


def hash_password(password: str) -> str:
    """A salted argon2id hash of `password`, safe to store. Given: nothing to write here."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when `password` matches `password_hash`; False for anything else. Given."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):  # a wrong password, or not an argon2 hash
        return False


# --- Your code ---------------------------------------------------------------------------------


def create_token(
    subject: str,
    role: str,
    secret: str,
    *,
    ttl: timedelta = DEFAULT_TTL,
    now: datetime | None = None,
    issuer: str = ISSUER,
    audience: str = AUDIENCE,
) -> str:
    """Task 1: an HS256 JWT with the claims sub, role, iss, aud, iat (= now), exp (= now + ttl).

    `now` defaults to datetime.now(UTC). TypeError for a non-str subject or role,
    ValueError for an empty one, a naive `now` or a ttl that is not positive.
    """
    raise NotImplementedError("Task 1: create_token")


def decode_token(
    token: str, secret: str, *, issuer: str = ISSUER, audience: str = AUDIENCE
) -> dict[str, Any]:
    """Task 1: the verified claims of an HS256 `token` issued by `issuer` for `audience`.

    Requires every claim in REQUIRED_CLAIMS; exp, iat and nbf (when present) must be JSON
    numbers. Raises a jwt.InvalidTokenError subclass otherwise.
    """
    raise NotImplementedError("Task 1: decode_token")


def token_required(view: View) -> View:
    """Task 3: let the request in only with `Authorization: Bearer <valid token>`.

    Stores the verified claims in flask.g.claims; otherwise answers 401 with a
    `WWW-Authenticate: Bearer ...` header and a JSON body {"error": "..."}.
    """
    raise NotImplementedError("Task 3: token_required")


def roles_required(*roles: str) -> Callable[[View], View]:
    """Task 4: like token_required, and the token's role must be one of `roles` (else 403).

    ValueError without roles, TypeError for a role that is not a str.
    """
    raise NotImplementedError("Task 4: roles_required")


def create_app(config: Mapping[str, Any], *, clock: Clock | None = None) -> Flask:
    """Task 2: the API: POST /login (Task 2), GET /me (Task 3), GET /admin (Task 4),
    POST /refresh and POST /logout (Task 5).

    config: JWT_SECRET_KEY (str, >= 32 characters, else ValueError), USERS
    ({username: {"password_hash": str, "role": str}}), JWT_TTL (default 15 min) and
    JWT_REFRESH_TTL (default 7 days). `clock()` gives the current aware datetime
    (default: datetime.now(UTC)).
    """
    raise NotImplementedError("Task 2: create_app")
