"""JWT authentication and role-based authorization for a Flask API (reference solution)."""

from __future__ import annotations

import hashlib
import math
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache, wraps
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, Response, current_app, g, jsonify, request

ALGORITHM = "HS256"
MIN_SECRET_LENGTH = 32
DEFAULT_TTL = timedelta(minutes=15)
DEFAULT_REFRESH_TTL = timedelta(days=7)
ISSUER = "https://auth.kata.example"
AUDIENCE = "kata-api"
# PyJWT only checks a claim it finds: list the ones a token is worthless without.
REQUIRED_CLAIMS = ["sub", "role", "iss", "aud", "iat", "exp"]
NUMERIC_DATE_CLAIMS = ("exp", "iat", "nbf")
REALM = 'Bearer realm="api"'

View = Callable[..., Any]
Clock = Callable[[], datetime]

# --- Given: password hashing (the password_security kata goes deeper) --------------------------

_HASHER = PasswordHasher()  # argon2id with RFC 9106's parameters, above OWASP's minimum


def hash_password(password: str) -> str:
    """A salted argon2id hash of ``password``, safe to store."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash``; False for anything else."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):  # a wrong password, or not an argon2 hash
        return False


@cache
def _dummy_hash() -> str:
    return hash_password("no user has this password")


# --- Task 1: tokens ----------------------------------------------------------------------------


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
    """An HS256 JWT carrying ``sub``, ``role``, ``iss``, ``aud``, ``iat`` and ``exp``."""
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
    payload = {
        "sub": subject,
        "role": role,
        "iss": issuer,
        "aud": audience,
        "iat": now,
        "exp": now + ttl,
    }
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def _is_numeric_date(value: Any) -> bool:
    # RFC 7519 NumericDate: a JSON number. Not a string (PyJWT would int() it), not a boolean.
    return (
        isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    )


def decode_token(
    token: str, secret: str, *, issuer: str = ISSUER, audience: str = AUDIENCE
) -> dict[str, Any]:
    """The verified claims of ``token``; raises a ``jwt.InvalidTokenError`` subclass otherwise."""
    claims = jwt.decode(
        token,
        secret,
        algorithms=[ALGORITHM],  # pin the algorithm: never let the token choose (alg=none, HS512)
        issuer=issuer,  # exact match (PyJWT >= 2.10.1; 2.10.0 matched substrings)
        audience=audience,  # aud is ours, or a list that contains ours
        options={"require": REQUIRED_CLAIMS},
    )
    for name in NUMERIC_DATE_CLAIMS:
        if name in claims and not _is_numeric_date(claims[name]):
            raise jwt.DecodeError(f"the {name} claim must be a number (RFC 7519 NumericDate)")
    if not isinstance(claims["role"], str):
        raise jwt.InvalidTokenError("the role claim must be a string")
    return claims


# --- Tasks 3 and 4: decorators -----------------------------------------------------------------


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
        header = request.headers.get("Authorization")
        if header is None:
            return _unauthorized("a bearer token is required", invalid_token=False)
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return _unauthorized("a bearer token is required", invalid_token=False)
        try:  # no token, two tokens or garbage: PyJWT raises DecodeError
            claims = decode_token(token, current_app.config["JWT_SECRET_KEY"])
        except jwt.ExpiredSignatureError:
            return _unauthorized("the token has expired")
        except jwt.InvalidTokenError:  # bad signature, wrong alg, iss/aud, missing claim...
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


# --- Task 5: refresh tokens --------------------------------------------------------------------


@dataclass
class _Grant:
    username: str
    family: str
    expires_at: datetime
    used: bool = False


class RefreshStore:
    """Opaque refresh tokens, kept as SHA-256 digests: a leaked table gives no usable token."""

    def __init__(self, ttl: timedelta, clock: Clock) -> None:
        self.ttl, self.clock = ttl, clock
        self._grants: dict[str, _Grant] = {}
        self._revoked: set[str] = set()
        self._lock = threading.Lock()  # one app serves several threads

    @staticmethod
    def _key(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def issue(self, username: str, family: str | None = None) -> str:
        token = secrets.token_urlsafe(32)
        grant = _Grant(username, family or secrets.token_hex(16), self.clock() + self.ttl)
        with self._lock:
            self._grants[self._key(token)] = grant
        return token

    def redeem(self, token: str) -> _Grant | None:
        """The grant of an unused, live ``token``, now spent; None otherwise."""
        with self._lock:
            grant = self._grants.get(self._key(token))
            if grant is None or grant.family in self._revoked:
                return None
            if grant.used:
                # Someone replays a spent token: the thief or the victim. Revoke the whole family.
                self._revoked.add(grant.family)
                return None
            if self.clock() >= grant.expires_at:
                return None
            grant.used = True
            return grant

    def revoke(self, token: str) -> None:
        with self._lock:
            grant = self._grants.get(self._key(token))
            if grant is not None:
                self._revoked.add(grant.family)


def _store() -> RefreshStore:
    return current_app.extensions["jwt_auth_refresh"]


def _token_response(username: str, role: str, refresh_token: str) -> Response:
    ttl: timedelta = current_app.config["JWT_TTL"]
    clock: Clock = current_app.config["JWT_CLOCK"]
    token = create_token(username, role, current_app.config["JWT_SECRET_KEY"], ttl=ttl,
                         now=clock())
    return jsonify(access_token=token, token_type="Bearer",
                   expires_in=int(ttl.total_seconds()), refresh_token=refresh_token)


def _json_field(name: str) -> str | None:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return None
    value = data.get(name)
    return value if isinstance(value, str) and value else None


# --- Task 2: the app ---------------------------------------------------------------------------


def login() -> Any:
    """POST /login {"username", "password"} -> access and refresh tokens."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(error="the body must be a JSON object"), 400
    username, password = data.get("username"), data.get("password")
    if not (isinstance(username, str) and isinstance(password, str) and username and password):
        return jsonify(error="username and password must be non-empty strings"), 400
    user = current_app.config["USERS"].get(username)
    if user is None:
        verify_password(_dummy_hash(), password)  # same cost as a real check: no timing oracle
        return _unauthorized("invalid username or password", invalid_token=False)
    if not verify_password(user["password_hash"], password):
        return _unauthorized("invalid username or password", invalid_token=False)
    return _token_response(username, user["role"], _store().issue(username))


def refresh() -> Any:
    """POST /refresh {"refresh_token"} -> a new access token and a new refresh token."""
    token = _json_field("refresh_token")
    if token is None:
        return jsonify(error="send a JSON object with a non-empty refresh_token string"), 400
    store = _store()
    grant = store.redeem(token)
    if grant is None:
        return _unauthorized("the refresh token is invalid, expired or revoked")
    role = current_app.config["USERS"][grant.username]["role"]  # USERS is the app's own copy
    return _token_response(grant.username, role, store.issue(grant.username, grant.family))


def logout() -> Any:
    """POST /logout {"refresh_token"} -> 204; that token's family can no longer refresh."""
    token = _json_field("refresh_token")
    if token is None:
        return jsonify(error="send a JSON object with a non-empty refresh_token string"), 400
    _store().revoke(token)
    return "", 204


@token_required
def me() -> Any:
    """GET /me -> the caller's identity."""
    return jsonify(sub=g.claims["sub"], role=g.claims["role"])


@roles_required("admin")
def admin() -> Any:
    """GET /admin -> admins only."""
    return jsonify(message=f"hello, admin {g.claims['sub']}")


def _positive_timedelta(config: Mapping[str, Any], name: str, default: timedelta) -> timedelta:
    value = config.get(name, default)
    if not isinstance(value, timedelta):
        raise TypeError(f"{name} must be a timedelta, not {type(value).__name__}")
    if value <= timedelta(0):
        raise ValueError(f"{name} must be positive, got {value}")
    return value


def create_app(config: Mapping[str, Any], *, clock: Clock | None = None) -> Flask:
    """The API; ``config`` has ``JWT_SECRET_KEY`` (>= 32 chars), ``USERS`` and the two TTLs."""
    secret = config.get("JWT_SECRET_KEY")
    if not isinstance(secret, str) or len(secret) < MIN_SECRET_LENGTH:
        raise ValueError(
            f"JWT_SECRET_KEY must be a string of at least {MIN_SECRET_LENGTH} characters"
        )
    ttl = _positive_timedelta(config, "JWT_TTL", DEFAULT_TTL)
    refresh_ttl = _positive_timedelta(config, "JWT_REFRESH_TTL", DEFAULT_REFRESH_TTL)
    clock = clock or (lambda: datetime.now(UTC))
    app = Flask(__name__)
    app.config.update(
        JWT_SECRET_KEY=secret,
        JWT_TTL=ttl,
        JWT_CLOCK=clock,
        USERS={name: dict(user) for name, user in config.get("USERS", {}).items()},
    )
    app.extensions["jwt_auth_refresh"] = RefreshStore(refresh_ttl, clock)  # one store per app
    app.add_url_rule("/login", view_func=login, methods=["POST"])
    app.add_url_rule("/refresh", view_func=refresh, methods=["POST"])
    app.add_url_rule("/logout", view_func=logout, methods=["POST"])
    app.add_url_rule("/me", view_func=me)
    app.add_url_rule("/admin", view_func=admin)
    return app
