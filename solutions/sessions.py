"""Login, whoami and logout on Flask's signed-cookie session (reference solution)."""

from __future__ import annotations

import hmac
import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from functools import cache
from typing import Any

from flask import Flask, current_app, jsonify, request, session
from werkzeug.security import check_password_hash, generate_password_hash

SECRET_ENV = "FLASK_SECRET_KEY"
MIN_SECRET_LENGTH = 32
SESSION_LIFETIME = timedelta(hours=8)
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class SecretKeyError(RuntimeError):
    """The app cannot start: its session secret is missing or too weak."""


# --- Task 1 ------------------------------------------------------------------------------------


def load_secret_key(environ: Mapping[str, str] | None = None) -> str:
    """``FLASK_SECRET_KEY`` from ``environ`` (default ``os.environ``), checked for strength."""
    environ = os.environ if environ is None else environ
    secret = environ.get(SECRET_ENV)
    if secret is None or not secret.strip():
        raise SecretKeyError(
            f"{SECRET_ENV} is not set: export a random value of at least {MIN_SECRET_LENGTH} "
            'characters, e.g. python -c "import secrets; print(secrets.token_hex(32))"'
        )
    if len(secret) < MIN_SECRET_LENGTH:
        raise SecretKeyError(
            f"{SECRET_ENV} is {len(secret)} characters long; use at least {MIN_SECRET_LENGTH} "
            "random ones (secrets.token_hex(32))"
        )
    return secret


# --- Task 2 ------------------------------------------------------------------------------------


@cache
def _dummy_hash() -> str:
    return generate_password_hash("no user has this password")


def login() -> Any:
    """POST /login {"username", "password"}: start a fresh session for that user."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(error="the body must be a JSON object"), 400
    username, password = data.get("username"), data.get("password")
    if not (isinstance(username, str) and isinstance(password, str) and username and password):
        return jsonify(error="username and password must be non-empty strings"), 400
    stored = current_app.config["USERS"].get(username)
    # Check a dummy hash for unknown users: both failures then take as long (no timing oracle).
    matches = check_password_hash(stored or _dummy_hash(), password)
    if stored is None or not matches:
        return jsonify(error="invalid username or password"), 401
    # Drop everything the browser brought along (session fixation), the old CSRF token too.
    session.clear()
    session["user"] = username
    return jsonify(user=username)


def whoami() -> Any:
    """GET /whoami: the logged-in user, or 401 for anonymous visitors."""
    user = session.get("user")  # .get: an empty session is normal, not a KeyError
    if user is None:
        return jsonify(error="not logged in"), 401
    return jsonify(user=user)


def logout() -> Any:
    """POST /logout: forget everything; Flask then deletes the cookie."""
    session.clear()
    return "", 204


# --- Task 4: CSRF ------------------------------------------------------------------------------


def csrf_token() -> Any:
    """GET /csrf: this session's CSRF token, made on first use."""
    token = session.get("csrf_token")
    if not isinstance(token, str):
        token = session["csrf_token"] = secrets.token_urlsafe(32)
    return jsonify(csrf_token=token)


def check_csrf() -> Any:
    """before_request: an unsafe method needs the session's token in X-CSRF-Token."""
    if request.method not in UNSAFE_METHODS:
        return None
    expected = session.get("csrf_token")
    sent = request.headers.get(CSRF_HEADER)
    # Both must exist (None == None would let everyone in); compare bytes in constant time.
    if not (isinstance(expected, str) and sent
            and hmac.compare_digest(expected.encode(), sent.encode())):
        return jsonify(error=f"missing or wrong {CSRF_HEADER} header"), 403
    return None


# --- Task 3 (configuration) and the factory ----------------------------------------------------


def create_app(users: Mapping[str, str], environ: Mapping[str, str] | None = None) -> Flask:
    """The app. ``users`` maps username -> werkzeug password hash."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=load_secret_key(environ),  # refuse to start rather than run with a weak key
        USERS=dict(users),
        SESSION_COOKIE_HTTPONLY=True,  # page scripts (and XSS) cannot read it
        SESSION_COOKIE_SECURE=True,  # sent over HTTPS only
        SESSION_COOKIE_SAMESITE="Lax",  # not sent on cross-site POSTs: defence in depth
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,  # older signed cookies are refused
    )
    app.before_request(check_csrf)
    app.add_url_rule("/csrf", view_func=csrf_token)
    app.add_url_rule("/login", view_func=login, methods=["POST"])
    app.add_url_rule("/whoami", view_func=whoami)
    app.add_url_rule("/logout", view_func=logout, methods=["POST"])
    return app
