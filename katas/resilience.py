"""Fault tolerance — your kata. Read katas/resilience.md, then fill in.

Every function below raises NotImplementedError until you write it. Time comes from the
injected `clock`, waiting from the injected `sleep`, randomness from the injected `rng`.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from enum import StrEnum
from typing import Any, TypeVar

from flask import Flask

T = TypeVar("T")
Clock = Callable[[], float]


# --- Tasks 1 and 2 -----------------------------------------------------------------------------


class TTLCache:
    """At most `maxsize` entries, each alive `ttl` seconds from its last write (by `clock`);
    a new key in a full cache evicts the least recently used entry. Counts `hits`/`misses`."""

    def __init__(self, maxsize: int, ttl: float, clock: Clock = time.monotonic) -> None:
        """maxsize: an int >= 1; ttl: a finite int or float > 0.

        A wrong type (a str, a float maxsize, any bool) -> TypeError; the right type out of
        range (0, -1, nan, inf) -> ValueError. The message names the parameter.
        """
        raise NotImplementedError("Task 1: TTLCache")

    def get(self, key: Hashable, default: Any = None) -> Any:
        """The live value (a use: it becomes most recent), or `default`; counts a hit or a miss."""
        raise NotImplementedError("Task 1: TTLCache.get")

    def set(self, key: Hashable, value: Any) -> None:
        """Store the value, restart its ttl, make it most recent, evict beyond maxsize."""
        raise NotImplementedError("Task 1: TTLCache.set")

    def __len__(self) -> int:
        """The number of entries that have not expired."""
        raise NotImplementedError("Task 1: TTLCache.__len__")

    def get_or_load(self, key: Hashable, loader: Callable[[Hashable], T]) -> T:
        """Cache-aside: the cached value, or `loader(key)` stored and returned.

        Concurrent callers of one key share a single load; a loader error caches nothing.
        """
        raise NotImplementedError("Task 2: TTLCache.get_or_load")


# --- Task 3 ------------------------------------------------------------------------------------


class State(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpenError(Exception):
    """The breaker refused the call without making it; `retry_after` is in seconds."""

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
        """failure_threshold: an int >= 1; reset_timeout: a finite number > 0 (as in TTLCache)."""
        raise NotImplementedError("Task 3: CircuitBreaker")

    @property
    def state(self) -> State:
        """The current state; OPEN reads as HALF_OPEN once reset_timeout has passed."""
        raise NotImplementedError("Task 3: CircuitBreaker.state")

    def call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run func(*args, **kwargs) under the breaker (see the README for every transition)."""
        raise NotImplementedError("Task 3: CircuitBreaker.call")


# --- Task 4 ------------------------------------------------------------------------------------


def backoff_delay(attempt: int, *, base: float, cap: float, rng: random.Random) -> float:
    """Full jitter: rng.uniform(0, min(cap, base * 2**attempt)); attempt 0 is the first retry."""
    raise NotImplementedError("Task 4: backoff_delay")


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
    """Call func() up to `attempts` times, sleeping backoff_delay(...) between tries."""
    raise NotImplementedError("Task 4: retry_call")


# --- Tasks 5 and 6 -----------------------------------------------------------------------------


def create_app(
    fetch_item: Callable[[int], Any],
    checks: Mapping[str, Callable[[], object]] | None = None,
    *,
    cache: TTLCache | None = None,
    breaker: CircuitBreaker | None = None,
    max_concurrent: int = 10,
) -> Flask:
    """GET /items/<int:item_id>, /health, /ready and /metrics (see the README).

    A cache or breaker that is None gets a default; one passed in is used as it is. At most
    max_concurrent calls to fetch_item run at once (a bulkhead).
    """
    raise NotImplementedError("Tasks 5 and 6: create_app")
