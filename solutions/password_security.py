"""Passwords, secrets and HTTPS: the reference solution."""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, fields
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, Response, jsonify, redirect, request
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from werkzeug.middleware.proxy_fix import ProxyFix

logger = logging.getLogger("password_security")

MAX_PASSWORD_BYTES = 1024
MIN_PASSWORD_LENGTH = 15  # NIST SP 800-63B-4: 15 for a password used alone, 8 only with MFA
MIN_SECRET_LENGTH = 32
MIN_SECRET_DISTINCT = 8
MASK = "***"
HSTS_VALUE = "max-age=31536000; includeSubDomains"

# A stand-in for a breached-password corpus (Have I Been Pwned's Pwned Passwords, SecLists),
# one password a line, as such a list comes in a file.
COMMON_PASSWORDS = frozenset("""
passwordpassword
password1234567
123456789012345
1234567890123456
qwertyuiopasdfgh
qwertyuiopasdfghjkl
iloveyouiloveyou
correcthorsebatterystaple
correct horse battery staple
letmeinletmeinletmein
trustno1trustno1
""".strip().splitlines())

# argon2-cffi's defaults follow RFC 9106 (argon2id, 64 MiB, t=3): raise them over the years, and
# `login` upgrades old hashes one successful login at a time.
DEFAULT_HASHER = PasswordHasher()


class PasswordPolicyError(ValueError):
    """A password breaks the policy: empty, too long, too short (new ones) or too common."""


class SettingsError(Exception):
    """An environment variable is missing or unusable; `variable` names it."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable} {problem}")
        self.variable = variable


# --- Task 1: hashing ---------------------------------------------------------------------------


def check_password(password: object) -> str:
    """Return `password` if it is an acceptable password; raise TypeError / PasswordPolicyError."""
    if not isinstance(password, str):
        raise TypeError(f"password must be a str, not {type(password).__name__}")
    if not password:
        raise PasswordPolicyError("password must not be empty")
    # Count bytes, not characters: one emoji is four bytes of work for the hash function.
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise PasswordPolicyError(f"password is longer than {MAX_PASSWORD_BYTES} bytes")
    return password


def check_new_password(password: object, blocklist: Iterable[str] = COMMON_PASSWORDS) -> str:
    """`check_password`, plus the rules for a password being chosen now: long and not common."""
    password = check_password(password)
    if len(password) < MIN_PASSWORD_LENGTH:  # code points, not bytes (NIST counts characters)
        raise PasswordPolicyError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    if password.casefold() in {entry.casefold() for entry in blocklist}:
        raise PasswordPolicyError("password is on a list of common or breached passwords")
    return password


def hash_password(password: str, hasher: PasswordHasher | None = None) -> str:
    """Hash a new password with a fresh random salt; the parameters travel inside the string."""
    return (hasher or DEFAULT_HASHER).hash(check_new_password(password))


def verify_password(stored_hash: str, password: str, hasher: PasswordHasher | None = None) -> bool:
    """True only if `password` matches; a wrong password or a corrupt hash is simply False."""
    check_password(password)
    try:
        return (hasher or DEFAULT_HASHER).verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# --- Task 2: login with rehash -----------------------------------------------------------------


class Accounts:
    """Usernames mapped to password hashes in `store` (a dict here, a table in real life)."""

    def __init__(self, store: MutableMapping[str, str], hasher: PasswordHasher | None = None):
        self.store = store
        self.hasher = hasher or DEFAULT_HASHER
        # Verified against when the user does not exist, so that an unknown name costs as much
        # time as a known one and response times do not reveal which accounts exist.
        self._dummy_hash = self.hasher.hash("dummy password for timing")

    def register(self, username: str, password: str) -> None:
        if username in self.store:
            raise ValueError(f"user {username!r} already exists")
        self.store[username] = hash_password(password, self.hasher)

    def login(self, username: str, password: str) -> bool:
        stored = self.store.get(username)  # verify_password checks the password first
        if stored is None:
            verify_password(self._dummy_hash, password, self.hasher)
            logger.warning("login failed for unknown user %r", username)
            return False
        if not verify_password(stored, password, self.hasher):
            logger.warning("login failed for user %r", username)
            return False
        # The only moment we hold the plain password: upgrade outdated parameters now. Not with
        # hash_password: a password chosen under an older policy must still log in.
        if self.hasher.check_needs_rehash(stored):
            self.store[username] = self.hasher.hash(password)
        return True


# --- Tasks 3 and 4: settings -------------------------------------------------------------------


def _masked_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@dataclass(frozen=True, repr=False)
class Settings:
    secret_key: str
    database_url: str
    api_token: str

    def __post_init__(self) -> None:
        for name in ("secret_key", "api_token"):
            value = getattr(self, name)
            # Never put the value itself into the message: error messages end up in logs.
            if not isinstance(value, str) or len(value) < MIN_SECRET_LENGTH:
                raise SettingsError(name.upper(),
                                    f"must be at least {MIN_SECRET_LENGTH} characters")
            if len(set(value)) < MIN_SECRET_DISTINCT:
                raise SettingsError(name.upper(), "is too repetitive to be a random secret")
        try:
            make_url(self.database_url)
        except (ArgumentError, TypeError, ValueError):
            raise SettingsError("DATABASE_URL", "is not a database URL") from None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ  # read at call time, not import time
        values: dict[str, str] = {}
        for field in fields(cls):
            variable = field.name.upper()
            value = env.get(variable, "").strip()
            if not value:
                raise SettingsError(variable, "is not set")
            values[field.name] = value
        settings = cls(**values)
        logger.info("settings loaded: %r", settings)
        return settings

    def secrets(self) -> list[str]:
        """Every value that must never be shown, for SecretFilter."""
        found = [self.secret_key, self.api_token, self.database_url]
        password = make_url(self.database_url).password
        if password:
            found.append(password)
        return found

    def __repr__(self) -> str:
        return (f"Settings(secret_key={MASK!r}, database_url={_masked_url(self.database_url)!r}, "
                f"api_token={MASK!r})")

    __str__ = __repr__


class SecretFilter(logging.Filter):
    """Replaces known secret values in a record's rendered message by '***'."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Longest first, so that a secret containing another is masked whole.
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for secret in self.secrets:
            message = message.replace(secret, MASK)
        record.msg, record.args = message, None
        return True


# --- Task 5: tokens ----------------------------------------------------------------------------


def tokens_match(expected: str, supplied: Any) -> bool:
    """Constant-time comparison; any non-str or empty `supplied` is simply False."""
    if not isinstance(supplied, str) or not supplied:
        return False
    # Compare bytes: compare_digest refuses non-ASCII str with TypeError.
    return hmac.compare_digest(expected.encode("utf-8"), supplied.encode("utf-8"))


# --- Tasks 5 and 6: the app --------------------------------------------------------------------


def _hops(name: str, value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return value


def _is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def create_app(settings: Settings, x_for: int = 1, x_proto: int = 1) -> Flask:
    """`x_for`/`x_proto`: how many proxies in front of the app append to X-Forwarded-For and
    set X-Forwarded-Proto (0: believe none)."""
    x_for, x_proto = _hops("x_for", x_for), _hops("x_proto", x_proto)
    app = Flask(__name__)
    if x_for or x_proto:
        # Trust exactly as many values (from the right) of each header as there are proxies that
        # write it; anything further left was written by the client and may be forged.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=x_for, x_proto=x_proto)

    @app.before_request
    def require_https() -> Response | None:
        if request.is_secure:
            return None
        if _is_api(request.path):
            # A redirect comes too late: the bearer token already crossed the network in clear.
            # Fail loudly so that the client's configuration gets fixed.
            response = jsonify(error="this API is served over HTTPS only")
            response.status_code = 403
            return response
        # 308, not 301: a POST must stay a POST with its body.
        return redirect(request.url.replace("http://", "https://", 1), code=308)

    @app.after_request
    def add_hsts(response: Response) -> Response:
        if request.is_secure:  # browsers ignore HSTS over http, and a MITM could forge it
            response.headers["Strict-Transport-Security"] = HSTS_VALUE
        return response

    @app.get("/api/secret")
    def api_secret() -> Any:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not tokens_match(settings.api_token, token.strip()):
            response = jsonify(error="invalid or missing API token")
            response.status_code = 401
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
        return jsonify(ok=True)

    @app.get("/client-ip")
    def client_ip() -> Any:
        return jsonify(ip=request.remote_addr)

    return app
