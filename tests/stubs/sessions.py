"""Login, whoami and logout on Flask's signed-cookie session.

Read katas/sessions.md, then replace each `raise NotImplementedError` with your code.
"""

from __future__ import annotations

import hmac
import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, jsonify, request, session
from werkzeug.security import check_password_hash

SECRET_ENV = "FLASK_SECRET_KEY"
MIN_SECRET_LENGTH = 32
SESSION_LIFETIME = timedelta(hours=8)  # Task 3: PERMANENT_SESSION_LIFETIME
CSRF_HEADER = "X-CSRF-Token"  # Task 4


class SecretKeyError(RuntimeError):
    """The app cannot start: its session secret is missing or too weak."""


def load_secret_key(environ: Mapping[str, str] | None = None) -> str:
    """Task 1: the value of FLASK_SECRET_KEY in `environ` (default: os.environ).

    Raise SecretKeyError, with a message naming FLASK_SECRET_KEY, when it is missing, blank
    or shorter than MIN_SECRET_LENGTH characters.
    """
    raise NotImplementedError("Task 1: load_secret_key")


def create_app(users: Mapping[str, str], environ: Mapping[str, str] | None = None) -> Flask:
    """Tasks 1-4: the app, with its secret from load_secret_key(environ).

    `users` maps username -> werkzeug password hash. Routes: POST /login, GET /whoami,
    POST /logout (Task 2); cookie flags, a session lifetime and a fresh session on login
    (Task 3); GET /csrf and the X-CSRF-Token check on POST, PUT, PATCH and DELETE (Task 4).
    """
    raise NotImplementedError("Task 1: create_app")
