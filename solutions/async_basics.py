"""Sync vs async: concurrency with asyncio (reference solution)."""

from __future__ import annotations

import asyncio
import inspect
import math
from collections.abc import Callable, Coroutine, Iterable
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


async def run_blocking(func: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a blocking function in a worker thread so the event loop keeps serving others."""
    if not callable(func):
        raise TypeError(f"run_blocking() needs a callable, got {func!r}")
    # Calling func() here directly would freeze every other coroutine until it returned.
    return await asyncio.to_thread(func, *args, **kwargs)


def _close_all(items: Iterable[object]) -> None:
    # A coroutine object that is never awaited triggers a "never awaited" RuntimeWarning.
    for item in items:
        if inspect.iscoroutine(item):
            item.close()


async def with_timeout(coro: Coroutine[Any, Any, T], seconds: float) -> T:
    """Await ``coro`` for at most ``seconds``; on expiry cancel it and raise ``TimeoutError``."""
    if not inspect.iscoroutine(coro):
        raise TypeError(f"with_timeout() needs a coroutine object, got {coro!r}")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        coro.close()
        raise TypeError(f"seconds must be a number, got {seconds!r}")
    if not (math.isfinite(seconds) and seconds > 0):
        coro.close()
        raise ValueError(f"seconds must be finite and > 0, got {seconds!r}")
    # asyncio.timeout cancels the awaited work and turns that cancellation into TimeoutError.
    async with asyncio.timeout(seconds):
        return await coro


def _coroutines(coros: Iterable[Any], caller: str) -> list[Coroutine[Any, Any, Any]]:
    items = list(coros)
    bad = [c for c in items if not inspect.iscoroutine(c)]
    if bad:
        _close_all(items)
        raise TypeError(f"{caller}() needs coroutine objects (call the function), got {bad[0]!r}")
    return items


async def _run_all(coros: list[Coroutine[Any, Any, T]]) -> list[T]:
    try:
        # TaskGroup: all run concurrently; the first failure cancels the others.
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(c) for c in coros]
    except BaseExceptionGroup as eg:
        # Callers expect the original error, not a group; the first one is the root cause.
        raise eg.exceptions[0] from None
    return [t.result() for t in tasks]  # input order, whatever order they finished in


async def fetch_all(coros: Iterable[Coroutine[Any, Any, T]]) -> list[T]:
    """Run every coroutine concurrently; results in input order; a failure cancels the rest."""
    return await _run_all(_coroutines(coros, "fetch_all"))


async def gather_limited(coros: Iterable[Coroutine[Any, Any, T]], limit: int) -> list[T]:
    """Like ``fetch_all`` but with at most ``limit`` coroutines running at any moment."""
    items = _coroutines(coros, "gather_limited")
    if isinstance(limit, bool) or not isinstance(limit, int):
        _close_all(items)
        raise TypeError(f"limit must be an int, got {limit!r}")
    if limit < 1:
        _close_all(items)
        raise ValueError(f"limit must be at least 1, got {limit}")
    # Created here, inside the running loop, and shared by this call's coroutines only.
    semaphore = asyncio.Semaphore(limit)

    async def bounded(coro: Coroutine[Any, Any, T]) -> T:
        try:
            async with semaphore:  # a slot frees as soon as any one finishes, not per batch
                return await coro
        finally:
            coro.close()  # no-op if it ran; if cancelled while queued, it never started

    return await _run_all([bounded(c) for c in items])
