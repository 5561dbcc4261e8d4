"""CORS by hand for a Flask app: an allow-list, credentials and preflight.

Read katas/cors.md, then replace each ``raise NotImplementedError`` with your code.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask


@dataclass(frozen=True)
class CorsPolicy:
    """Which cross-origin callers may read our responses, and what they may send (Task 1).

    ``allowed_origins`` takes any iterable of origins such as ``"https://good.example.com"``
    (store it as a frozenset). Bad entries raise ``ValueError``; a bare string or a non-string
    entry raises ``TypeError``; a ``max_age`` that is not an int raises ``TypeError``, a negative
    one ``ValueError``.
    """

    allowed_origins: frozenset[str]
    allow_methods: tuple[str, ...] = ("GET", "POST", "PUT", "DELETE")
    allow_headers: tuple[str, ...] = ("Content-Type", "Authorization")
    allow_credentials: bool = True
    max_age: int = 600

    def __post_init__(self) -> None:
        raise NotImplementedError("Task 1: validate and normalise the policy")

    def is_allowed(self, origin: str | None) -> bool:
        """True only for an origin that is exactly one of ``allowed_origins``."""
        raise NotImplementedError("Task 1: compare the origin with the allow-list")


def init_cors(app: Flask, policy: CorsPolicy) -> None:
    """Add CORS headers to every response of ``app`` (Task 2), answer preflights (Task 3) and
    refuse writes from origins the policy does not allow (Task 4)."""
    raise NotImplementedError("Task 2: register before_request / after_request functions")


def create_app(policy: CorsPolicy) -> Flask:
    """A small JSON API protected by ``policy``.

    Routes: ``GET /api/data`` -> ``{"data": [1, 2, 3]}``; ``POST /api/data`` -> 201
    ``{"received": <the JSON body>}``; ``GET /api/greeting`` -> ``{"greeting": "hello"}`` with the
    header ``Vary: Accept-Language``. Call ``init_cors(app, policy)`` before returning the app.
    """
    raise NotImplementedError("Task 2: build the app and call init_cors")
