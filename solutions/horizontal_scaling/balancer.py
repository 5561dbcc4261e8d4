"""A load balancer in process: a WSGI app that spreads requests over backend WSGI apps."""

from __future__ import annotations

import http.client
import io
import json
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

STRATEGIES = ("round_robin", "least_connections")
# Idempotent (RFC 9110 §9.2.2): the intended effect of sending one twice is the same as sending
# it once, so a retry after a failure that may have happened mid-request is safe.
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
# Answers that mean "this backend could not handle it" (a gateway error, an overloaded or
# stopping server), as opposed to the application's own answer, a 500 from a bug included.
FAILURE_STATUSES = frozenset({502, 503, 504})
MAX_FAILS = 3  # failed attempts in a row before a backend is taken out of the rotation
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
                        "te", "trailers", "transfer-encoding", "upgrade"})
MAX_BODY = 1 << 20  # bytes; bigger requests get 413 before any backend sees them


@dataclass
class Reply:
    status: str
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def code(self) -> int:
        return int(self.status.split(" ", 1)[0])


class LoadBalancer:
    """Round robin or least connections over named backends, with health checks and retries."""

    def __init__(self, backends: Mapping[str, WSGIApp], strategy: str = "round_robin",
                 *, max_fails: int = MAX_FAILS, max_body: int = MAX_BODY) -> None:
        if not isinstance(backends, Mapping) or not backends:
            raise ValueError("backends must be a non-empty mapping of name -> WSGI app")
        for name, app in backends.items():
            if not isinstance(name, str) or not name:
                raise TypeError(f"backend names must be non-empty strings, got {name!r}")
            if not callable(app):
                raise TypeError(f"backend {name!r} is not a WSGI callable: {app!r}")
        if strategy not in STRATEGIES:
            raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
        if isinstance(max_fails, bool) or not isinstance(max_fails, int):
            raise TypeError(f"max_fails must be an int, got {max_fails!r}")
        if max_fails < 1:
            raise ValueError(f"max_fails must be at least 1, got {max_fails!r}")
        self.strategy = strategy
        self.max_fails = max_fails
        self.max_body = max_body
        self._backends = dict(backends)
        self._order = list(self._backends)
        self._healthy = set(self._order)  # every backend starts admitted
        self._in_flight = dict.fromkeys(self._order, 0)
        self._fails = dict.fromkeys(self._order, 0)  # failed attempts in a row, per backend
        self._next = 0
        # Requests arrive on many threads: choosing a backend and counting must be atomic.
        self._lock = threading.Lock()

    @property
    def healthy(self) -> list[str]:
        with self._lock:
            return [name for name in self._order if name in self._healthy]

    @property
    def in_flight(self) -> dict[str, int]:
        with self._lock:
            return dict(self._in_flight)

    def check_health(self) -> dict[str, bool]:
        """Probe ``GET /health`` on every backend, evicted ones included; re-admit recoveries."""
        results = {name: self._probe(app) for name, app in self._backends.items()}
        with self._lock:
            self._healthy = {name for name, ok in results.items() if ok}
            for name, ok in results.items():
                if ok:
                    self._fails[name] = 0  # a fresh start for a backend that answers again
        return results

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        body = _read_body(environ, self.max_body)
        if isinstance(body, Reply):
            return _send(start_response, body)
        tried: set[str] = set()
        while (name := self._acquire(tried)) is not None:
            tried.add(name)
            try:
                reply = _call(self._backends[name], _fresh_environ(environ, body))
            finally:
                with self._lock:
                    self._in_flight[name] -= 1
            failed = reply is None or reply.code in FAILURE_STATUSES
            self._record(name, failed)
            if not failed:
                # The application's answer, whatever its status: a 500 is a bug in the app,
                # not a dead backend, and sending it elsewhere would only repeat it.
                return _send(start_response, reply, backend=name)
            if method not in IDEMPOTENT:
                # Never re-sent: it may have been applied. Relay the backend's own answer.
                if reply is not None:
                    return _send(start_response, reply, backend=name)
                return _send(start_response, _json(
                    502, f"backend {name!r} failed; a {method} is not retried"))
        if tried:
            return _send(start_response, _json(502, f"every backend failed: {sorted(tried)}"))
        return _send(start_response, _json(503, "no healthy backend"))

    def _record(self, name: str, failed: bool) -> None:
        """Passive health check: ``max_fails`` failed attempts in a row take a backend out."""
        with self._lock:
            if not failed:
                self._fails[name] = 0
                return
            self._fails[name] += 1
            if self._fails[name] >= self.max_fails:
                self._healthy.discard(name)  # out until check_health() says it is back

    def _acquire(self, tried: set[str]) -> str | None:
        with self._lock:
            candidates = [n for n in self._order if n in self._healthy and n not in tried]
            if not candidates:
                return None
            if self.strategy == "least_connections":
                # min() keeps the first of equals: ties go to the earlier backend.
                name = min(candidates, key=lambda n: self._in_flight[n])
            else:
                size = len(self._order)
                rotated = [self._order[(self._next + i) % size] for i in range(size)]
                name = next(n for n in rotated if n in candidates)
                self._next = (self._order.index(name) + 1) % size
            self._in_flight[name] += 1
            return name

    def _probe(self, app: WSGIApp) -> bool:
        environ = _fresh_environ({"REQUEST_METHOD": "GET", "PATH_INFO": "/health",
                                  "QUERY_STRING": "", "SERVER_NAME": "balancer",
                                  "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
                                  "wsgi.url_scheme": "http"}, b"")
        reply = _call(app, environ)
        return reply is not None and reply.code == 200


class HttpBackend:
    """A WSGI app that forwards each request to a real HTTP server at ``url``."""

    def __init__(self, url: str, timeout: float = 5.0) -> None:
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"HttpBackend needs an http://host:port URL, got {url!r}")
        self.url = url
        self.host, self.port = parts.hostname, parts.port or 80
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"HttpBackend({self.url!r})"

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        # PATH_INFO holds raw bytes decoded as latin-1 (PEP 3333): re-encode, then quote.
        path = quote((self.prefix + environ.get("PATH_INFO", "/")).encode("latin-1"), safe="/")
        query = environ.get("QUERY_STRING")
        target = f"{path}?{query}" if query else path
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {key[5:].replace("_", "-").title(): value for key, value in environ.items()
                   if key.startswith("HTTP_") and key[5:].replace("_", "-").lower()
                   not in HOP_BY_HOP | {"host", "content-length"}}
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(environ["REQUEST_METHOD"], target, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException) as exc:
            # Refused, reset, timed out or garbled: to the balancer all mean "this one is down".
            raise ConnectionError(f"{self.url} did not answer: {exc!r}") from exc
        finally:
            conn.close()
        kept = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP_BY_HOP]
        start_response(f"{resp.status} {resp.reason}", kept)
        return [data]


def _read_body(environ: dict[str, Any], limit: int) -> bytes | Reply:
    """Read the request body once, so that a retry can send it again."""
    raw = environ.get("CONTENT_LENGTH") or "0"
    if not (raw.isascii() and raw.isdigit()):
        return _json(400, f"bad Content-Length {raw[:40]!r}")
    length = int(raw)
    if length > limit:
        return _json(413, f"request body over {limit} bytes")
    body = environ["wsgi.input"].read(length) if length else b""
    if len(body) != length:
        return _json(400, "request body shorter than its Content-Length")
    return body


def _fresh_environ(environ: dict[str, Any], body: bytes) -> dict[str, Any]:
    fresh = dict(environ)
    fresh["wsgi.input"] = io.BytesIO(body)  # each attempt reads the body from the start
    fresh["CONTENT_LENGTH"] = str(len(body))
    fresh.setdefault("wsgi.errors", io.StringIO())
    return fresh


def _call(app: WSGIApp, environ: dict[str, Any]) -> Reply | None:
    """Run one backend to completion; ``None`` when it raised (it counts as down)."""
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info=None):
        seen["status"], seen["headers"] = status, headers
        return lambda data: None

    try:
        result = app(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
    # A broken backend must cost one failed attempt, never the balancer itself.
    except Exception:
        return None
    if "status" not in seen:
        return None
    return Reply(seen["status"], list(seen["headers"]), body)


def _json(code: int, message: str) -> Reply:
    body = json.dumps({"message": message}).encode()
    reason = {400: "Bad Request", 413: "Content Too Large", 502: "Bad Gateway",
              503: "Service Unavailable"}[code]
    return Reply(f"{code} {reason}", [("Content-Type", "application/json"),
                                      ("Content-Length", str(len(body)))], body)


def _send(start_response: StartResponse, reply: Reply, backend: str | None = None):
    headers = [(k, v) for k, v in reply.headers if k.lower() not in HOP_BY_HOP]
    if backend is not None:
        headers.append(("X-Backend", backend))
    start_response(reply.status, headers)
    return [reply.body]
