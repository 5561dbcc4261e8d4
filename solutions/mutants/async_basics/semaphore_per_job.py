"""gather_limited creates a new Semaphore inside each job, so nothing is shared and nothing limited.

Every job acquires its own private semaphore at once: all of them run together.
"""

import asyncio

from _reference import *
from _reference import _close_all, _coroutines, _run_all


async def gather_limited(coros, limit):
    items = _coroutines(coros, "gather_limited")
    if not isinstance(limit, int) or isinstance(limit, bool):
        _close_all(items)
        raise TypeError("limit must be an int")
    if limit < 1:
        _close_all(items)
        raise ValueError("limit must be at least 1")

    async def bounded(coro):
        async with asyncio.Semaphore(limit):
            return await coro

    return await _run_all([bounded(c) for c in items])
