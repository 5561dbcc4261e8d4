"""Decorators: logging, timing, retry, rate limiting and an API-key guard (reference solution)."""

from __future__ import annotations

import functools
import hmac
import inspect
import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable, Iterable
from typing import Any, ParamSpec, TypeVar

from flask import current_app, jsonify, request

P = ParamSpec("P")
R = TypeVar("R")

API_KEY_HEADER = "X-API-Key"


SECRET_WORDS = ("password", "secret", "token", "key")
REDACTED = "***"

_NAMED = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _positional_names(fn: Callable[..., Any]) -> tuple[list[str], str | None]:
    """The names that positional arguments fill: the named parameters, then ``*args``."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):  # some built-ins have no signature
        return [], None
    named = [p.name for p in params if p.kind in _NAMED]
    rest = next((p.name for p in params if p.kind is inspect.Parameter.VAR_POSITIONAL), None)
    return named, rest


def log_calls(
    func: Callable[P, R] | None = None,
    *,
    logger: logging.Logger | None = None,
    level: int = logging.INFO,
    redact: Iterable[str] = SECRET_WORDS,
) -> Any:
    """Log each call and its result or error; works as ``@log_calls`` and ``@log_calls(...)``.

    A parameter whose name contains one of the ``redact`` words is logged as ``***``.
    """
    if isinstance(redact, str | bytes):
        # A str is iterable too: "password" would become the words "p", "a", "s", ...
        raise TypeError(f"redact must be a collection of words, not {redact!r}")
    words = tuple(w.casefold() for w in redact)

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        # The logger of the module that defined the function, so its owner controls the output.
        log = logger if logger is not None else logging.getLogger(fn.__module__)
        name = fn.__name__
        named, rest = _positional_names(fn)

        def secret(param: str | None) -> bool:
            # A substring test, case-insensitive: "api_token" and "DB_PASSWORD" are secrets too.
            return param is not None and any(w in param.casefold() for w in words)

        def shown(param: str | None, value: Any) -> str:
            return REDACTED if secret(param) else repr(value)

        def describe(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
            parts = [shown(named[i] if i < len(named) else rest, a) for i, a in enumerate(args)]
            parts += [f"{k}={shown(k, v)}" for k, v in kwargs.items()]
            return f"{name}({', '.join(parts)})"

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if not log.isEnabledFor(level):
                # Nothing would be emitted: don't pay for (or risk) repr() of every argument.
                return fn(*args, **kwargs)
            log.log(level, "calling %s", describe(args, kwargs))
            try:
                result = fn(*args, **kwargs)
            except Exception as exc:
                log.log(level, "%s raised %r", name, exc)
                raise  # log it, never swallow it
            log.log(level, "%s returned %r", name, result)
            return result

        return wrapper

    # Bare @log_calls hands us the function; @log_calls(...) hands us only options.
    return decorate(func) if func is not None else decorate


def timed(
    func: Callable[P, R] | None = None,
    *,
    clock: Callable[[], float] = time.perf_counter,
) -> Any:
    """Record the duration of every call in ``wrapper.timings`` (seconds, newest last)."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        timings: list[float] = []

        if inspect.iscoroutinefunction(fn):
            # An async function returns a coroutine at once; the work happens when it is
            # awaited. So the wrapper must be async too, and time the await.
            @functools.wraps(fn)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                start = clock()
                try:
                    return await fn(*args, **kwargs)
                finally:
                    timings.append(clock() - start)

            async_wrapper.timings = timings  # type: ignore[attr-defined]
            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            start = clock()
            try:
                return fn(*args, **kwargs)
            finally:  # a failed call took time too
                timings.append(clock() - start)

        wrapper.timings = timings  # type: ignore[attr-defined]
        return wrapper

    return decorate(func) if func is not None else decorate


def _check_exception_types(
    exceptions: type[BaseException] | tuple[type[BaseException], ...],
) -> tuple[type[BaseException], ...]:
    types = exceptions if isinstance(exceptions, tuple) else (exceptions,)
    if not types or not all(isinstance(t, type) and issubclass(t, BaseException) for t in types):
        raise TypeError(
            f"exceptions must be an exception class or a tuple of them, got {exceptions!r}"
        )
    return types


def retry(
    func: Callable[P, R] | None = None,
    /,
    *,
    times: int = 3,
    exceptions: type[BaseException] | tuple[type[BaseException], ...] = (Exception,),
    delay: float = 0.0,
    sleep: Callable[[float], object] = time.sleep,
) -> Any:
    """Call the function up to ``times`` times while it raises one of ``exceptions``."""
    if func is not None and not callable(func):
        raise TypeError(
            f"retry options are keyword-only: use @retry(times={func!r}), not @retry({func!r})"
        )
    if not isinstance(times, int) or isinstance(times, bool):
        raise TypeError(f"times must be an int, got {times!r}")
    if times < 1:
        raise ValueError(f"times must be at least 1, got {times}")
    if not isinstance(delay, int | float) or isinstance(delay, bool):
        raise TypeError(f"delay must be a number of seconds, got {delay!r}")
    if not delay >= 0:  # also refuses NaN, which compares false with everything
        raise ValueError(f"delay must be >= 0, got {delay!r}")
    retry_on = _check_exception_types(exceptions)

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            for attempt in range(1, times + 1):
                try:
                    return fn(*args, **kwargs)
                except retry_on:
                    if attempt == times:
                        raise  # out of attempts: the caller must see the real error
                sleep(delay)
            raise AssertionError("unreachable")  # the loop always returns or raises

        return wrapper

    return decorate(func) if func is not None else decorate


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
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Allow at most ``calls`` calls in any window of ``per`` seconds (a sliding window).

    With ``key``, each client (``key(*args, **kwargs)``) has a window of its own.
    """
    if not isinstance(calls, int) or isinstance(calls, bool) or calls < 1:
        raise ValueError(f"calls must be an int >= 1, got {calls!r}")
    if not isinstance(per, int | float) or isinstance(per, bool) or not per > 0:
        raise ValueError(f"per must be a number of seconds > 0, got {per!r}")
    if key is not None and not callable(key):
        raise TypeError(f"key must be a function of the call's arguments, got {key!r}")

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        # Per client: the times of its accepted calls still inside the window. Ordered by each
        # client's latest accepted call, so idle clients sit at the front and are dropped there:
        # without that, every address ever seen would stay in memory for good.
        windows: OrderedDict[Hashable, deque[float]] = OrderedDict()
        lock = threading.Lock()  # views run in many threads at once

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            client = key(*args, **kwargs) if key is not None else None
            with lock:
                now = clock()
                while windows and now - next(iter(windows.values()))[-1] >= per:
                    windows.popitem(last=False)  # even its newest call has left the window
                recent = windows.get(client)
                if recent is None:
                    recent = windows[client] = deque()
                while recent and now - recent[0] >= per:
                    recent.popleft()
                if len(recent) >= calls:
                    # A refused call does not count, or a busy client would lock itself out.
                    raise RateLimitExceeded(fn.__name__, recent[0] + per - now)
                recent.append(now)
                windows.move_to_end(client)
            return fn(*args, **kwargs)

        return wrapper

    return decorate


def require_api_key(view: Callable[P, Any]) -> Callable[P, Any]:
    """Flask view decorator: 401 JSON unless ``X-API-Key`` equals ``app.config["API_KEY"]``.

    Works on plain and ``async def`` views alike.
    """

    @functools.wraps(view)  # Flask names endpoints after view.__name__
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Any:
        expected = current_app.config.get("API_KEY")
        given = request.headers.get(API_KEY_HEADER)
        # An unset or empty key must lock everyone out, not let an empty header in.
        if (
            not isinstance(expected, str)
            or not expected
            or given is None
            # Bytes, because compare_digest refuses non-ASCII str; constant time defeats timing.
            or not hmac.compare_digest(given.encode(), expected.encode())
        ):
            # Same answer for "missing" and "wrong": don't tell an attacker which one it was.
            response = jsonify(error="missing or invalid API key")
            response.status_code = 401
            response.headers["WWW-Authenticate"] = f'ApiKey header="{API_KEY_HEADER}"'
            return response
        # An `async def` view returns a coroutine when called: ensure_sync runs it to the end
        # (Flask's advice for decorators in extensions), and leaves a plain view as it is.
        return current_app.ensure_sync(view)(*args, **kwargs)

    return wrapper
