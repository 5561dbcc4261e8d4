"""Fault tolerance: a TTL + LRU cache, a circuit breaker, retries, health and metrics."""

from __future__ import annotations

import json
import math
import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping
from concurrent.futures import Future
from enum import StrEnum
from typing import Any, TypeVar

from flask import Flask, Response, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from werkzeug.exceptions import HTTPException

T = TypeVar("T")
Clock = Callable[[], float]


def _check_positive(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number, not {type(value).__name__}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def _check_count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value!r}")
    return value


# --- Tasks 1 and 2: cache ----------------------------------------------------------------------

_MISSING = object()


class TTLCache:
    """A bounded cache: entries live `ttl` seconds from their write, the least recently used
    entry makes room for a new one. Thread-safe; `get_or_load` loads each key once at a time."""

    def __init__(self, maxsize: int, ttl: float, clock: Clock = time.monotonic) -> None:
        self.maxsize = _check_count("maxsize", maxsize)
        self.ttl = _check_positive("ttl", ttl)
        self.clock = clock
        self.hits = 0
        self.misses = 0
        # Insertion order of an OrderedDict doubles as recency order: move_to_end on every use.
        self._data: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._loading: dict[Hashable, Future[Any]] = {}

    def _lookup(self, key: Hashable) -> Any:
        """The live value or _MISSING, counting the outcome. Caller holds the lock."""
        entry = self._data.get(key)
        if entry is not None:
            expires_at, value = entry
            if self.clock() < expires_at:
                self._data.move_to_end(key)
                self.hits += 1
                return value
            del self._data[key]
        self.misses += 1
        return _MISSING

    def _store(self, key: Hashable, value: Any) -> None:
        self._data[key] = (self.clock() + self.ttl, value)
        self._data.move_to_end(key)
        while len(self._data) > self.maxsize:
            self._data.popitem(last=False)

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            value = self._lookup(key)
        return default if value is _MISSING else value

    def set(self, key: Hashable, value: Any) -> None:
        hash(key)  # an unhashable key fails here with TypeError, before any state changes
        with self._lock:
            self._store(key, value)

    def __len__(self) -> int:
        with self._lock:
            now = self.clock()
            return sum(1 for expires_at, _ in self._data.values() if now < expires_at)

    def get_or_load(self, key: Hashable, loader: Callable[[Hashable], T]) -> T:
        """Cache-aside: return the cached value, or call `loader(key)` once and cache its result.

        Concurrent callers for the same key wait for the first caller's load instead of
        stampeding the backend. A loader exception propagates and nothing is cached.
        """
        with self._lock:
            value = self._lookup(key)
            if value is not _MISSING:
                return value
            pending = self._loading.get(key)
            if pending is None:
                pending = self._loading[key] = Future()
                owner = True
            else:
                owner = False
        if not owner:
            return pending.result()  # re-raises the owner's exception, if any
        try:
            value = loader(key)
        except BaseException as exc:
            with self._lock:
                del self._loading[key]
            pending.set_exception(exc)
            raise
        with self._lock:
            self._store(key, value)
            del self._loading[key]
        pending.set_result(value)
        return value


# --- Task 3: circuit breaker -------------------------------------------------------------------


class State(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpenError(Exception):
    """The breaker refused the call without making it."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"circuit open; retry in {retry_after:.1f}s")
        self.retry_after = retry_after


class CircuitBreaker:
    def __init__(
        self,
        failure_threshold: int = 5,
        reset_timeout: float = 30.0,
        *,
        failure_types: tuple[type[BaseException], ...] = (Exception,),
        clock: Clock = time.monotonic,
    ) -> None:
        self.failure_threshold = _check_count("failure_threshold", failure_threshold)
        self.reset_timeout = _check_positive("reset_timeout", reset_timeout)
        self.failure_types = failure_types
        self.clock = clock
        self.failures = 0
        self._state = State.CLOSED
        self._opened_at = 0.0
        self._trial_running = False
        self._lock = threading.Lock()

    def _current(self) -> State:
        """The state now; an open breaker turns half-open once the timeout passed. Lock held."""
        if self._state is State.OPEN and self.clock() - self._opened_at >= self.reset_timeout:
            self._state = State.HALF_OPEN
        return self._state

    @property
    def state(self) -> State:
        with self._lock:
            return self._current()

    def _open(self) -> None:
        self._state = State.OPEN
        self._opened_at = self.clock()
        self._trial_running = False

    def call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self._lock:
            state = self._current()
            if state is State.OPEN:
                remaining = self.reset_timeout - (self.clock() - self._opened_at)
                raise CircuitOpenError(max(remaining, 0.0))
            if state is State.HALF_OPEN:
                if self._trial_running:  # one probe at a time; the others fail fast
                    raise CircuitOpenError(0.0)
                self._trial_running = True
        try:
            result = func(*args, **kwargs)
        except self.failure_types:
            with self._lock:
                if self._state is State.HALF_OPEN:
                    self._open()
                else:
                    self.failures += 1
                    if self.failures >= self.failure_threshold:
                        self._open()
            raise
        except BaseException:
            # Not a dependency failure (a bug, a 404...): it proves nothing about the dependency.
            # In half-open the trial ends without a verdict: the next call is a new trial.
            with self._lock:
                self._trial_running = False
            raise
        with self._lock:
            self._state = State.CLOSED
            self.failures = 0
            self._trial_running = False
        return result


# --- Task 4: retry -----------------------------------------------------------------------------


def backoff_delay(attempt: int, *, base: float, cap: float, rng: random.Random) -> float:
    """Full jitter: uniform in [0, min(cap, base * 2**attempt)] (attempt 0 is the first retry)."""
    # Clamp the exponent: 2.0**5000 would raise OverflowError; base * 2.0**1000 is just huge.
    return rng.uniform(0.0, min(cap, base * 2.0 ** min(attempt, 1000)))


def retry_call(
    func: Callable[[], T],
    *,
    attempts: int = 4,
    base: float = 0.1,
    cap: float = 5.0,
    retry_on: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError),
    sleep: Callable[[float], object] = time.sleep,
    rng: random.Random | None = None,
) -> T:
    """Call `func` up to `attempts` times, sleeping a jittered backoff between tries."""
    _check_count("attempts", attempts)
    _check_positive("base", base)
    _check_positive("cap", cap)
    rng = rng or random.Random()
    for attempt in range(attempts):
        try:
            return func()
        except retry_on:
            if attempt == attempts - 1:
                raise  # the last error, unwrapped, with its traceback
            sleep(backoff_delay(attempt, base=base, cap=cap, rng=rng))
    raise AssertionError("unreachable")


# --- Tasks 5 and 6: the app --------------------------------------------------------------------


class _ResilienceCollector(Collector):
    """Reads the cache and breaker at scrape time, so the numbers are never stale copies."""

    def __init__(self, cache: TTLCache, breaker: CircuitBreaker) -> None:
        self.cache = cache
        self.breaker = breaker

    def collect(self) -> Iterator[Metric]:
        yield CounterMetricFamily("cache_hits", "Cache lookups that found a live entry.",
                                  value=self.cache.hits)
        yield CounterMetricFamily("cache_misses", "Cache lookups that found nothing live.",
                                  value=self.cache.misses)
        state = GaugeMetricFamily("circuit_breaker_state", "1 for the breaker's current state.",
                                  labels=["state"])
        current = self.breaker.state
        for candidate in State:
            state.add_metric([candidate.value], 1.0 if candidate is current else 0.0)
        yield state


class BulkheadFullError(Exception):
    """Every slot of the bulkhead is taken: the call was refused without being made."""


class _Bulkhead:
    """At most `size` calls at once; one more is refused at once instead of queueing."""

    def __init__(self, size: int) -> None:
        self._slots = threading.BoundedSemaphore(size)

    def call(self, func: Callable[..., T], *args: Any) -> T:
        if not self._slots.acquire(blocking=False):
            raise BulkheadFullError()
        try:
            return func(*args)
        finally:
            self._slots.release()


def _error(status: int, message: str) -> Response:
    response = jsonify(error=message)
    response.status_code = status
    return response


def create_app(
    fetch_item: Callable[[int], Any],
    checks: Mapping[str, Callable[[], object]] | None = None,
    *,
    cache: TTLCache | None = None,
    breaker: CircuitBreaker | None = None,
    max_concurrent: int = 10,
) -> Flask:
    bulkhead = _Bulkhead(_check_count("max_concurrent", max_concurrent))
    app = Flask(__name__)
    checks = dict(checks or {})
    # `is None`, not `cache or ...`: TTLCache has __len__, so a caller's empty cache is falsy.
    if cache is None:
        cache = TTLCache(maxsize=1024, ttl=60.0)
    if breaker is None:
        breaker = CircuitBreaker(failure_threshold=5, reset_timeout=30.0,
                                 failure_types=(ConnectionError, TimeoutError))
    # One registry per app: the global default registry would be shared by every app in the
    # process and refuse the second app's metrics as duplicates.
    registry = CollectorRegistry()
    requests_total = Counter("http_requests", "HTTP requests by route template and status.",
                             ["method", "route", "status"], registry=registry)
    registry.register(_ResilienceCollector(cache, breaker))

    @app.after_request
    def count(response: Response) -> Response:
        # The rule template, not the path: /items/1, /items/2... must not each become a series.
        route = request.url_rule.rule if request.url_rule else "unmatched"
        requests_total.labels(request.method, route, str(response.status_code)).inc()
        return response

    @app.get("/items/<int:item_id>")
    def item(item_id: int) -> Any:
        try:
            # Only a load takes a slot: a cache hit, or a wait for another caller's load, never.
            value = cache.get_or_load(
                item_id, lambda key: bulkhead.call(breaker.call, fetch_item, key))
        except BulkheadFullError:
            response = _error(503, "too many requests to the dependency in flight")
            response.headers["Retry-After"] = "1"
            return response
        except CircuitOpenError as exc:
            response = _error(503, "dependency unavailable (circuit open)")
            response.headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after)))
            return response
        except (ConnectionError, TimeoutError):
            return _error(503, "dependency unavailable")
        except KeyError:
            return _error(404, f"item {item_id} not found")
        return jsonify(id=item_id, item=value)

    @app.get("/health")
    def health() -> Any:
        # Liveness: "this process can answer". Checking dependencies here would make the
        # orchestrator restart every healthy instance whenever the database blips.
        return jsonify(status="ok")

    @app.get("/ready")
    def ready() -> Any:
        results = {}
        for name, check in checks.items():
            try:
                results[name] = "up" if check() else "down"
            except Exception:  # any failing check means "down"; its text may hold secrets
                results[name] = "down"
        ok = all(result == "up" for result in results.values())
        response = jsonify(status="ready" if ok else "unavailable", checks=results)
        response.status_code = 200 if ok else 503
        return response

    @app.get("/metrics")
    def metrics() -> Response:
        return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        # Start from the exception's own response: it carries the headers the status needs,
        # such as the Allow header that RFC 9110 requires on a 405.
        response = exc.get_response()
        response.data = json.dumps({"error": exc.description})
        response.content_type = "application/json"
        return response

    return app
