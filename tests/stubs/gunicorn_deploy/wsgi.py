"""A bare PEP 3333 application: what Gunicorn really calls, with no framework around it (Task 2).

Read katas/gunicorn_deploy.md, then replace each ``raise NotImplementedError`` with your code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

StartResponse = Callable[..., Any]
GREETING = b"Hello from a bare WSGI app\n"


def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """A WSGI callable without Flask (Task 2).

    - ``GET /`` -> ``200 OK``, ``Content-Type: text/plain; charset=utf-8``, the right
      ``Content-Length``, and the body ``GREETING``; ``HEAD /`` -> the same headers, no body.
    - Any other method on ``/`` -> ``405 Method Not Allowed`` with ``Allow: GET, HEAD``.
    - Any other path -> ``404 Not Found``.
    The body is an iterable of ``bytes``; status and header values are ``str``.
    """
    raise NotImplementedError("Task 2: write a bare WSGI application")
