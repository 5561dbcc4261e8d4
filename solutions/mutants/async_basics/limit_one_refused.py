"""gather_limited refuses limit=1 (limit <= 1 instead of limit < 1): an off-by-one at the limit."""

import asyncio

from _reference import *
from _reference import _close_all, _coroutines, _run_all


async def gather_limited(coros, limit):
    items = _coroutines(coros, "gather_limited")
    if not isinstance(limit, int) or isinstance(limit, bool):
        _close_all(items)
        raise TypeError("limit must be an int")
    if limit <= 1:
        _close_all(items)
        raise ValueError("limit must be at least 2")
    semaphore = asyncio.Semaphore(limit)

    async def bounded(coro):
        try:
            async with semaphore:
                return await coro
        finally:
            coro.close()

    return await _run_all([bounded(c) for c in items])
