"""CORS by hand for a Flask app: reference solution.

The policy is an exact allow-list. An origin is a browser-made string (`scheme://host[:port]`,
lowercase host, no path), so the only safe comparison is exact string equality: no substring, no
prefix, no case folding, no wildcard when cookies are involved. CORS only decides who may *read*
a response; the same allow-list also refuses cross-origin *writes*, which browsers send without
asking (a form post), because CORS is not a CSRF defence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, jsonify, request

ACRM = "Access-Control-Request-Method"
ACRH = "Access-Control-Request-Headers"
# RFC 9110 section 9.2.1: these methods must not change anything on the server.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def check_origin(entry: object) -> str:
    """Return ``entry`` if it is a serialised web origin, else raise TypeError or ValueError."""
    if not isinstance(entry, str):
        raise TypeError(f"an allowed origin must be a str, not {type(entry).__name__}")
    try:
        parts = urlsplit(entry)
        port = parts.port  # raises ValueError for a port that is not a number in range
    except ValueError as exc:
        raise ValueError(f"{entry!r} is not an origin: {exc}") from None
    # Rebuild the origin from its parts: anything extra (a path, a trailing slash, user info,
    # a query, upper case) makes the rebuilt string differ from what the browser would send.
    # "*" and "null" have no scheme, so they are refused here too.
    rebuilt = f"{parts.scheme}://{parts.hostname or ''}" + (f":{port}" if port is not None else "")
    if parts.scheme not in ("http", "https") or not parts.hostname or rebuilt != entry:
        raise ValueError(
            f"{entry!r} is not an origin: write scheme://host[:port] in lower case, "
            "with no path, no trailing slash and no user info"
        )
    if (parts.scheme, port) in (("http", 80), ("https", 443)):
        # Browsers leave the default port out, so this entry would never match.
        raise ValueError(f"{entry!r}: leave out the default port {port}")
    return entry


@dataclass(frozen=True)
class CorsPolicy:
    """Which cross-origin callers may read our responses, and what they may send."""

    allowed_origins: frozenset[str]
    allow_methods: tuple[str, ...] = ("GET", "POST", "PUT", "DELETE")
    allow_headers: tuple[str, ...] = ("Content-Type", "Authorization")
    allow_credentials: bool = True
    max_age: int = 600

    def __post_init__(self) -> None:
        origins: Any = self.allowed_origins
        # A lone string is iterable too: "https://a.com" would become a set of characters.
        if isinstance(origins, str) or not isinstance(origins, Iterable):
            raise TypeError("allowed_origins must be a list or set of origin strings")
        # A frozenset of our own: the caller's list may change later, the policy must not.
        object.__setattr__(self, "allowed_origins", frozenset(check_origin(o) for o in origins))
        if isinstance(self.max_age, bool) or not isinstance(self.max_age, int):
            raise TypeError(f"max_age must be an int, not {type(self.max_age).__name__}")
        if self.max_age < 0:
            raise ValueError(f"max_age must be >= 0 seconds, got {self.max_age}")

    def is_allowed(self, origin: str | None) -> bool:
        """Exact match only: look-alikes such as ``https://good.com.evil.com`` are refused."""
        return origin is not None and origin in self.allowed_origins

    def allows_preflight(self, origin: str | None, method: str, headers: Iterable[str]) -> bool:
        # Methods are case-sensitive; header names are not: compare them in lower case.
        allowed_headers = {h.lower() for h in self.allow_headers}
        return (
            self.is_allowed(origin)
            and method in self.allow_methods
            and all(h.lower() in allowed_headers for h in headers)
        )


def is_preflight() -> bool:
    return request.method == "OPTIONS" and "Origin" in request.headers and ACRM in request.headers


def forbidden(message: str) -> Response:
    return jsonify(error="Forbidden", message=message)


def init_cors(app: Flask, policy: CorsPolicy) -> None:
    """Answer preflights, refuse cross-origin writes, add CORS headers to every response."""

    @app.before_request
    def check_cross_origin() -> Response | tuple[Response, int] | None:
        if is_preflight():
            return answer_preflight()
        origin = request.headers.get("Origin")
        unsafe = request.method not in SAFE_METHODS
        if unsafe and origin is not None and not policy.is_allowed(origin):
            # A form on another site can POST here with the user's cookies and no preflight:
            # the browser would hide our answer, but the view would already have run.
            return forbidden("cross-origin request refused: this origin is not allowed"), 403
        return None

    def answer_preflight() -> Response | tuple[Response, int]:
        origin = request.headers["Origin"]
        requested = [h.strip() for h in request.headers.get(ACRH, "").split(",") if h.strip()]
        if not policy.allows_preflight(origin, request.headers[ACRM], requested):
            # No CORS headers at all: the browser then blocks the real request.
            return forbidden("CORS preflight refused"), 403
        response = app.response_class(status=204)
        response.headers["Access-Control-Allow-Origin"] = origin
        if policy.allow_credentials:
            response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Access-Control-Allow-Methods"] = ", ".join(policy.allow_methods)
        response.headers["Access-Control-Allow-Headers"] = ", ".join(policy.allow_headers)
        response.headers["Access-Control-Max-Age"] = str(policy.max_age)
        return response

    @app.after_request
    def add_cors_headers(response: Response) -> Response:
        # The answer depends on Origin, so shared caches must key on it: on *every* response,
        # allowed or not, or a cache may hand one origin's answer to another.
        response.vary.add("Origin")
        if is_preflight():
            return response  # answered (or refused) in full by answer_preflight
        origin = request.headers.get("Origin")
        if policy.is_allowed(origin):
            # Echo the one origin, never "*": browsers refuse "*" with credentials, and "*"
            # would tell every site it may read this response.
            response.headers["Access-Control-Allow-Origin"] = origin
            if policy.allow_credentials:
                response.headers["Access-Control-Allow-Credentials"] = "true"
        return response


def create_app(policy: CorsPolicy) -> Flask:
    """A small JSON API protected by ``policy``."""
    app = Flask(__name__)

    @app.get("/api/data")
    def read_data() -> Response:
        return jsonify(data=[1, 2, 3])

    @app.post("/api/data")
    def write_data() -> tuple[Response, int]:
        return jsonify(received=request.get_json()), 201

    @app.get("/api/greeting")
    def greeting() -> tuple[Response, int, dict[str, str]]:
        # This view already varies on a header: CORS must add to Vary, not replace it.
        return jsonify(greeting="hello"), 200, {"Vary": "Accept-Language"}

    init_cors(app, policy)
    return app
