"""Passwords, secrets and HTTPS — your kata. Read katas/password_security.md, then fill in.

Every function below raises NotImplementedError until you write it.
"""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from flask import Flask

logger = logging.getLogger("password_security")

MAX_PASSWORD_BYTES = 1024  # UTF-8 bytes, not characters
MIN_PASSWORD_LENGTH = 15  # characters (code points), for a password being chosen
MIN_SECRET_LENGTH = 32
MIN_SECRET_DISTINCT = 8
MASK = "***"

# The production setting (argon2id, RFC 9106 parameters). Tests pass cheaper hashers.
DEFAULT_HASHER = PasswordHasher()

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


class PasswordPolicyError(ValueError):
    """A password breaks the policy: empty, too long, too short (new ones) or too common."""


class SettingsError(Exception):
    """An environment variable is missing or unusable; `variable` names it."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable} {problem}")
        self.variable = variable


# --- Task 1 ------------------------------------------------------------------------------------


def check_password(password: object) -> str:
    """Return `password` unchanged if acceptable.

    TypeError if it is not a str; PasswordPolicyError if it is empty or longer than
    MAX_PASSWORD_BYTES once encoded as UTF-8.
    """
    raise NotImplementedError("Task 1: check_password")


def check_new_password(password: object, blocklist: Iterable[str] = COMMON_PASSWORDS) -> str:
    """Return `password` unchanged if acceptable as a NEW password.

    check_password's rules, then PasswordPolicyError if it has fewer than MIN_PASSWORD_LENGTH
    characters or is in `blocklist` (compared with str.casefold()).
    """
    raise NotImplementedError("Task 1: check_new_password")


def hash_password(password: str, hasher: PasswordHasher | None = None) -> str:
    """Check the password with check_new_password, then hash it with `hasher`
    (DEFAULT_HASHER if None)."""
    raise NotImplementedError("Task 1: hash_password")


def verify_password(stored_hash: str, password: str, hasher: PasswordHasher | None = None) -> bool:
    """Check the password with check_password; True if it matches `stored_hash`, False on a
    mismatch or a corrupt hash."""
    raise NotImplementedError("Task 1: verify_password")


# --- Task 2 ------------------------------------------------------------------------------------


class Accounts:
    """Usernames mapped to password hashes in `store`."""

    def __init__(self, store: MutableMapping[str, str], hasher: PasswordHasher | None = None):
        """Keep `store` (the very object: tests read it) and the hasher (DEFAULT_HASHER if None)."""
        raise NotImplementedError("Task 2: Accounts")

    def register(self, username: str, password: str) -> None:
        """Store the hash of `password`; ValueError if the user exists."""
        raise NotImplementedError("Task 2: Accounts.register")

    def login(self, username: str, password: str) -> bool:
        """True on the right password; if the hash's parameters are outdated, store
        hasher.hash(password) (not hash_password: old passwords predate the policy).

        Unknown user: False, after verifying against a dummy hash. Failures log a WARNING on the
        `password_security` logger naming the user, never the password.
        """
        raise NotImplementedError("Task 2: Accounts.login")


# --- Tasks 3 and 4 -----------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class Settings:
    secret_key: str
    database_url: str
    api_token: str

    def __post_init__(self) -> None:
        """Validate: SettingsError naming SECRET_KEY, API_TOKEN or DATABASE_URL when weak or bad."""
        raise NotImplementedError("Task 3: Settings validation")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read SECRET_KEY, DATABASE_URL and API_TOKEN from `environ` (os.environ if None)."""
        raise NotImplementedError("Task 3: Settings.from_env")

    def secrets(self) -> list[str]:
        """Every value that must never be shown (for SecretFilter)."""
        raise NotImplementedError("Task 4: Settings.secrets")

    def __repr__(self) -> str:
        """Secrets as '***', the database URL with its password masked."""
        raise NotImplementedError("Task 4: Settings.__repr__")

    __str__ = __repr__


class SecretFilter(logging.Filter):
    """A logging filter replacing known secret values in a record's message by '***'."""

    def __init__(self, secrets: Iterable[str]) -> None:
        raise NotImplementedError("Task 4: SecretFilter")

    def filter(self, record: logging.LogRecord) -> bool:
        raise NotImplementedError("Task 4: SecretFilter.filter")


# --- Task 5 ------------------------------------------------------------------------------------


def tokens_match(expected: str, supplied: Any) -> bool:
    """Compare in constant time with hmac.compare_digest; anything not a non-empty str is False."""
    raise NotImplementedError("Task 5: tokens_match")


# --- Tasks 5 and 6 -----------------------------------------------------------------------------


def create_app(settings: Settings, x_for: int = 1, x_proto: int = 1) -> Flask:
    """The app: GET /api/secret (Bearer token), GET /client-ip, HTTPS only, HSTS.

    `x_for` / `x_proto`: how many proxies in front of the app append to X-Forwarded-For /
    set X-Forwarded-Proto (0: believe none). TypeError if not an int, ValueError if negative.
    Plain http: 403 JSON under /api, a 308 to https elsewhere.
    """
    raise NotImplementedError("Tasks 5 and 6: create_app")
