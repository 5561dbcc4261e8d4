"""Decorators kata: logging, timing, retry, rate limiting and an API-key guard.

Read katas/decorators.md for the tasks, then replace each ``raise NotImplementedError``.
Every wrapper you write must use ``functools.wraps`` so the decorated function keeps its
``__name__``, ``__doc__`` and gains ``__wrapped__``.
"""

from __future__ import annotations

import functools
import hmac
import logging
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from flask import current_app, jsonify, request

API_KEY_HEADER = "X-API-Key"

SECRET_WORDS = ("password", "secret", "token", "key")
REDACTED = "***"


def log_calls(
    func: Callable[..., Any] | None = None,
    *,
    logger: logging.Logger | None = None,
    level: int = logging.INFO,
    redact: Iterable[str] = SECRET_WORDS,
) -> Any:
    """Task 1: log every call through ``logging`` (never ``print``).

    Works bare (``@log_calls``) and with options (``@log_calls(logger=..., level=...,
    redact=...)``). The default logger is ``logging.getLogger(func.__module__)``. For
    ``add(2, b=3)`` log ``"calling add(2, b=3)"`` then ``"add returned 5"``; if the call raises,
    log ``"add raised ValueError('...')"`` (``%r`` of the exception) and re-raise it unchanged.
    An argument whose parameter name contains one of the ``redact`` words (any case) is logged
    as ``***``; a ``str`` for ``redact`` raises ``TypeError``. When ``level`` is not enabled on
    the logger, format nothing at all.
    """
    raise NotImplementedError("Task 1: log_calls")


def timed(
    func: Callable[..., Any] | None = None,
    *,
    clock: Callable[[], float] = time.perf_counter,
) -> Any:
    """Task 2: record how long each call took.

    Works bare (``@timed``) and with options (``@timed(clock=...)``). The wrapper has a list
    attribute ``timings``: after every call (also one that raised) append ``clock()`` at the
    end minus ``clock()`` at the start. For an ``async def`` function the wrapper is an
    ``async def`` too, and times the whole ``await``.
    """
    raise NotImplementedError("Task 2: timed")


def retry(
    func: Callable[..., Any] | None = None,
    /,
    *,
    times: int = 3,
    exceptions: type[BaseException] | tuple[type[BaseException], ...] = (Exception,),
    delay: float = 0.0,
    sleep: Callable[[float], object] = time.sleep,
) -> Any:
    """Task 3: call the function up to ``times`` times while it raises one of ``exceptions``.

    Works bare (``@retry``: 3 attempts) and with keyword options. Call ``sleep(delay)``
    between two attempts (never after the last); re-raise the last exception when every
    attempt failed; let any other exception type through at once. Checked when ``retry(...)``
    is called, not later: ``times`` not an ``int`` raises ``TypeError``, ``times < 1``
    ``ValueError``; ``exceptions`` that is not an exception class (or a tuple of them) raises
    ``TypeError``; ``delay`` not an ``int``/``float`` raises ``TypeError``, a negative or NaN
    one ``ValueError``; a ``bool`` is refused for ``times`` and ``delay`` (``TypeError``). The
    options are keyword-only: a first argument that is not callable (``@retry(3)``) raises
    ``TypeError``.
    """
    raise NotImplementedError("Task 3: retry")


class RateLimitExceeded(Exception):
    """Raised by a ``rate_limit``-ed function called too often; ``retry_after`` is in seconds."""

    def __init__(self, name: str, retry_after: float) -> None:
        super().__init__(f"rate limit exceeded for {name}; retry in {retry_after:.3f}s")
        self.retry_after = retry_after


def rate_limit(
    calls: int,
    per: float,
    *,
    key: Callable[..., Hashable] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Task 4: allow at most ``calls`` calls in any sliding window of ``per`` seconds.

    A call over the limit raises ``RateLimitExceeded(func.__name__, retry_after)`` without
    running the function, and does not count. A call made at time ``t`` stops counting at
    ``t + per``. With ``key``, ``key(*args, **kwargs)`` names the client and each client has
    its own window. ``calls < 1`` or ``per <= 0`` raises ``ValueError``; a ``key`` that is
    neither ``None`` nor callable raises ``TypeError``.
    """
    raise NotImplementedError("Task 4: rate_limit")


def require_api_key(view: Callable[..., Any]) -> Callable[..., Any]:
    """Task 5: a Flask view decorator that checks the ``X-API-Key`` request header.

    The expected key is ``current_app.config["API_KEY"]``, compared with
    ``hmac.compare_digest``. A missing, empty or wrong key -- or no key configured at all --
    gets ``401`` with the JSON body ``{"error": "missing or invalid API key"}`` and the header
    ``WWW-Authenticate: ApiKey header="X-API-Key"``. Async views must work too.
    """
    raise NotImplementedError("Task 5: require_api_key")
