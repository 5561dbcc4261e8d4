"""A bare PEP 3333 application: what Gunicorn really calls, with no framework around it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

StartResponse = Callable[..., Any]
GREETING = b"Hello from a bare WSGI app\n"


def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """``GET /`` (or ``HEAD /``) answers the greeting; other paths 404, other methods 405."""
    method = environ["REQUEST_METHOD"]
    path = environ.get("PATH_INFO") or "/"
    if path != "/":
        return _text(start_response, "404 Not Found", b"not found\n")
    if method not in ("GET", "HEAD"):
        return _text(start_response, "405 Method Not Allowed", b"method not allowed\n",
                     [("Allow", "GET, HEAD")])
    body = _text(start_response, "200 OK", GREETING)
    # HEAD: the same headers (Content-Length included), no body.
    return [] if method == "HEAD" else body


def _text(start_response: StartResponse, status: str, body: bytes,
          extra: list[tuple[str, str]] | None = None) -> list[bytes]:
    # Status and header values are native str; the body is a list of bytes, never a bare str.
    headers = [("Content-Type", "text/plain; charset=utf-8"),
               ("Content-Length", str(len(body))), *(extra or [])]
    start_response(status, headers)
    return [body]
