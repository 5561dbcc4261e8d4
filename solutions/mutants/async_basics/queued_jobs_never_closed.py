"""gather_limited's wrapper only does `async with semaphore: return await coro`, with no finally.

When a job fails, the jobs still waiting for a slot are cancelled before they ever await their
coroutine: those coroutine objects are dropped unstarted, and Python warns "coroutine ... was
never awaited" for each one.
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
    semaphore = asyncio.Semaphore(limit)

    async def bounded(coro):
        async with semaphore:
            return await coro

    return await _run_all([bounded(c) for c in items])
