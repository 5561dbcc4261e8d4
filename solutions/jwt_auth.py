"""JWT authentication and role-based authorization for a Flask API (reference solution)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from functools import cache, wraps
from typing import Any

import jwt
from flask import Flask, Response, current_app, g, jsonify, request
from werkzeug.security import check_password_hash, generate_password_hash

ALGORITHM = "HS256"
MIN_SECRET_LENGTH = 32
DEFAULT_TTL = timedelta(minutes=15)
# PyJWT only checks a claim it finds: list the ones a token is worthless without.
REQUIRED_CLAIMS = ["sub", "role", "iat", "exp"]
REALM = 'Bearer realm="api"'

View = Callable[..., Any]


# --- Task 1: passwords -------------------------------------------------------------------------


def hash_password(password: str) -> str:
    """A salted, slow hash of ``password`` (werkzeug's scrypt), safe to store."""
    if not isinstance(password, str):
        raise TypeError(f"password must be a str, not {type(password).__name__}")
    if not password:
        raise ValueError("password must not be empty")
    return generate_password_hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash``; False for anything else."""
    if not isinstance(password_hash, str) or not isinstance(password, str):
        return False
    return check_password_hash(password_hash, password)  # constant-time comparison inside


@cache
def _dummy_hash() -> str:
    return generate_password_hash("no user has this password")


# --- Task 2: tokens ----------------------------------------------------------------------------


def create_token(
    subject: str,
    role: str,
    secret: str,
    *,
    ttl: timedelta = DEFAULT_TTL,
    now: datetime | None = None,
) -> str:
    """An HS256 JWT carrying ``sub``, ``role``, ``iat`` and ``exp`` (= iat + ttl)."""
    for name, value in (("subject", subject), ("role", role)):
        if not isinstance(value, str):  # PyJWT >= 2.10 rejects a non-string `sub` on decode
            raise TypeError(f"{name} must be a str, not {type(value).__name__}")
        if not value:
            raise ValueError(f"{name} must not be empty")
    if ttl <= timedelta(0):
        raise ValueError(f"ttl must be positive, got {ttl}")
    now = datetime.now(UTC) if now is None else now
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware, e.g. datetime.now(UTC)")
    payload = {"sub": subject, "role": role, "iat": now, "exp": now + ttl}
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def decode_token(token: str, secret: str) -> dict[str, Any]:
    """The verified claims of ``token``; raises a ``jwt.InvalidTokenError`` subclass otherwise."""
    claims = jwt.decode(
        token,
        secret,
        algorithms=[ALGORITHM],  # pin the algorithm: never let the token choose (alg=none, HS512)
        options={"require": REQUIRED_CLAIMS},
    )
    if not isinstance(claims["role"], str):
        raise jwt.InvalidTokenError("the role claim must be a string")
    return claims


# --- Task 4 and 5: decorators ------------------------------------------------------------------


def _unauthorized(message: str, *, invalid_token: bool = True) -> tuple[Response, int, dict]:
    # RFC 6750: a request without credentials gets the bare challenge; a bad token says so.
    challenge = REALM + (', error="invalid_token"' if invalid_token else "")
    return jsonify(error=message), 401, {"WWW-Authenticate": challenge}


def token_required(view: View) -> View:
    """Let the request through only with a valid ``Authorization: Bearer <jwt>``.

    The verified claims are stored in ``flask.g.claims`` for the view.
    """

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return _unauthorized("a bearer token is required", invalid_token=False)
        token = token.strip()
        if not token or " " in token:
            return _unauthorized("malformed Authorization header")
        try:
            claims = decode_token(token, current_app.config["JWT_SECRET_KEY"])
        except jwt.ExpiredSignatureError:
            return _unauthorized("the token has expired")
        except jwt.InvalidTokenError:  # bad signature, wrong alg, missing claim, garbage...
            return _unauthorized("the token is invalid")
        g.claims = claims
        return view(*args, **kwargs)

    return wrapper


def roles_required(*roles: str) -> Callable[[View], View]:
    """Like ``token_required``, and the token's role must be one of ``roles`` (else 403)."""
    if not roles:
        raise ValueError("roles_required() needs at least one role")
    for role in roles:
        if not isinstance(role, str):  # catches `@roles_required` written without (...)
            raise TypeError(f"roles must be strings, got {role!r}; write @roles_required('admin')")
    allowed = frozenset(roles)

    def decorator(view: View) -> View:
        @wraps(view)
        def check_role(*args: Any, **kwargs: Any) -> Any:
            if g.claims["role"] not in allowed:
                body = jsonify(error=f"this needs one of the roles {sorted(allowed)}")
                return body, 403, {"WWW-Authenticate": REALM + ', error="insufficient_scope"'}
            return view(*args, **kwargs)

        return token_required(check_role)  # authenticate first: no token is 401, not 403

    return decorator


# --- Task 3: the app ---------------------------------------------------------------------------


def login() -> Any:
    """POST /login {"username", "password"} -> {"access_token", "token_type", "expires_in"}."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(error="the body must be a JSON object"), 400
    username, password = data.get("username"), data.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not username:
        return jsonify(error="username and password must be non-empty strings"), 400
    user = current_app.config["USERS"].get(username)
    if user is None:
        verify_password(_dummy_hash(), password)  # same cost as a real check: no timing oracle
        return _unauthorized("invalid username or password", invalid_token=False)
    if not verify_password(user["password_hash"], password):
        return _unauthorized("invalid username or password", invalid_token=False)
    ttl: timedelta = current_app.config["JWT_TTL"]
    token = create_token(username, user["role"], current_app.config["JWT_SECRET_KEY"], ttl=ttl)
    return jsonify(access_token=token, token_type="Bearer", expires_in=int(ttl.total_seconds()))


@token_required
def me() -> Any:
    """GET /me -> the caller's identity."""
    return jsonify(sub=g.claims["sub"], role=g.claims["role"])


@roles_required("admin")
def admin() -> Any:
    """GET /admin -> admins only."""
    return jsonify(message=f"hello, admin {g.claims['sub']}")


def create_app(config: Mapping[str, Any]) -> Flask:
    """The API; ``config`` has ``JWT_SECRET_KEY`` (>= 32 chars), ``USERS`` and ``JWT_TTL``."""
    secret = config.get("JWT_SECRET_KEY")
    if not isinstance(secret, str) or len(secret) < MIN_SECRET_LENGTH:
        raise ValueError(
            f"JWT_SECRET_KEY must be a string of at least {MIN_SECRET_LENGTH} characters"
        )
    ttl = config.get("JWT_TTL", DEFAULT_TTL)
    if not isinstance(ttl, timedelta) or ttl <= timedelta(0):
        raise ValueError(f"JWT_TTL must be a positive timedelta, got {ttl!r}")
    app = Flask(__name__)
    app.config.update(
        JWT_SECRET_KEY=secret,
        JWT_TTL=ttl,
        USERS={name: dict(user) for name, user in config.get("USERS", {}).items()},
    )
    app.add_url_rule("/login", view_func=login, methods=["POST"])
    app.add_url_rule("/me", view_func=me)
    app.add_url_rule("/admin", view_func=admin)
    return app
