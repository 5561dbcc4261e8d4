"""A load balancer in process: a WSGI app that spreads requests over backend WSGI apps.

Read katas/horizontal_scaling.md, then replace each ``raise NotImplementedError`` with your code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

STRATEGIES = ("round_robin", "least_connections")
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
FAILURE_STATUSES = frozenset({502, 503, 504})  # answers that count as a failed attempt
MAX_FAILS = 3  # failed attempts in a row before a backend is taken out of the rotation
MAX_BODY = 1 << 20  # bytes; bigger requests get 413 before any backend sees them


class LoadBalancer:
    """Round robin or least connections over named backends, with health checks and retries."""

    def __init__(self, backends: Mapping[str, WSGIApp], strategy: str = "round_robin",
                 *, max_fails: int = MAX_FAILS, max_body: int = MAX_BODY) -> None:
        """Keep the backends in order, all admitted at first (Task 2).

        Empty ``backends`` or an unknown ``strategy`` -> ``ValueError``; a name that is not a
        non-empty str or a backend that is not callable -> ``TypeError``. ``max_fails``: an
        int >= 1 (a bool or another type -> ``TypeError``, below 1 -> ``ValueError``). Each
        message names what was wrong: the parameter, or the backend by its name.
        """
        raise NotImplementedError("Task 2: set up the balancer")

    @property
    def healthy(self) -> list[str]:
        """The names of the admitted backends, in their original order."""
        raise NotImplementedError("Task 2: list the healthy backends")

    @property
    def in_flight(self) -> dict[str, int]:
        """A snapshot: backend name -> requests it is handling right now (Task 4)."""
        raise NotImplementedError("Task 4: count the requests in flight")

    def check_health(self) -> dict[str, bool]:
        """Call ``GET /health`` on every backend, evicted ones too (Task 2).

        Healthy means it answered 200; one that raised or answered anything else is evicted,
        one that answers 200 again is re-admitted (and its count of failures starts again
        from 0). Returns name -> healthy.
        """
        raise NotImplementedError("Task 2: probe every backend")

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Forward one request to a backend and relay its answer, adding ``X-Backend: <name>``.

        Task 2: pick backends by round robin among the healthy ones; none healthy -> 503 JSON.
        Task 3: an attempt fails when the backend raises or answers 502, 503 or 504; any other
        answer (a 500 included) is relayed as it is. ``max_fails`` failed attempts in a row
        evict a backend; an answer that is not a failure resets its count. After a failed
        attempt a GET, HEAD, PUT, DELETE or OPTIONS is retried on another healthy backend (same
        body, each backend at most once; 502 JSON when all failed). Any other method is never
        re-sent: the backend's 502/503/504 answer is relayed, an exception gives 502 JSON. A
        bad ``CONTENT_LENGTH`` -> 400, over ``max_body`` -> 413, before any backend is called.
        Task 4: with ``least_connections``, pick the backend with the fewest requests in
        flight (ties: the first in order).
        """
        raise NotImplementedError("Task 2: forward the request")


class HttpBackend:
    """A WSGI app that forwards each request to a real HTTP server at ``url`` (Task 5)."""

    def __init__(self, url: str, timeout: float = 5.0) -> None:
        """``url`` like ``http://127.0.0.1:8000``; anything but an http URL -> ``ValueError``."""
        raise NotImplementedError("Task 5: remember where to forward")

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Send the same method, path, query, headers and body; relay status, headers, body.

        When the server cannot be reached (refused, reset, timed out) -> ``ConnectionError``.
        """
        raise NotImplementedError("Task 5: forward over HTTP")
