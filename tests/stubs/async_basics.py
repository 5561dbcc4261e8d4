"""Sync vs async kata: run many waits at once with asyncio, without blocking the event loop.

Read katas/async_basics.md for the tasks, then replace each ``raise NotImplementedError``.
Never call ``time.sleep`` (or any other blocking call) directly inside an ``async def``.
"""

from __future__ import annotations

import asyncio
import inspect
import math
from collections.abc import Callable, Coroutine, Iterable
from typing import Any


async def run_blocking(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """Task 1: run ``func(*args, **kwargs)`` in a worker thread and return its result.

    The event loop must keep running other coroutines meanwhile (``asyncio.to_thread``).
    The function's exception propagates; a ``func`` that is not callable raises ``TypeError``.
    """
    raise NotImplementedError("Task 1: run_blocking")


async def with_timeout(coro: Coroutine[Any, Any, Any], seconds: float) -> Any:
    """Task 2: await ``coro`` for at most ``seconds`` (use ``asyncio.timeout``).

    On expiry the coroutine is cancelled and ``TimeoutError`` is raised. ``seconds`` that is
    not an ``int`` or ``float`` (``bool`` included) raises ``TypeError``; ``<= 0``, NaN or
    infinity raises ``ValueError``; a ``coro`` that is not a coroutine object (an uncalled
    function, a ``Task``, a ``Future``) raises ``TypeError``. Close a coroutine you refuse.
    """
    raise NotImplementedError("Task 2: with_timeout")


async def fetch_all(coros: Iterable[Coroutine[Any, Any, Any]]) -> list[Any]:
    """Task 3: run all coroutines concurrently and return their results in input order.

    If one raises, cancel the others and raise that same exception (not an
    ``ExceptionGroup``). An item that is not a coroutine object raises ``TypeError`` (close the
    coroutine objects first).
    """
    raise NotImplementedError("Task 3: fetch_all")


async def gather_limited(coros: Iterable[Coroutine[Any, Any, Any]], limit: int) -> list[Any]:
    """Task 4: like ``fetch_all``, but never more than ``limit`` running at the same time.

    Use an ``asyncio.Semaphore(limit)``; a job starts as soon as any slot frees. ``limit``
    that is not an ``int`` (``bool`` included) raises ``TypeError``; ``limit < 1`` raises
    ``ValueError``; an item that is not a coroutine object raises ``TypeError``. No coroutine
    given may be left unstarted and unclosed, also those still queued at the first failure.
    """
    raise NotImplementedError("Task 4: gather_limited")
