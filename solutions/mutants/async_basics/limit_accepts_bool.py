"""gather_limited checks isinstance(limit, int) only, so limit=True (a bool is an int) passes."""

import asyncio

from _reference import *
from _reference import _close_all, _coroutines, _run_all


async def gather_limited(coros, limit):
    items = _coroutines(coros, "gather_limited")
    if not isinstance(limit, int):
        _close_all(items)
        raise TypeError("limit must be an int")
    if limit < 1:
        _close_all(items)
        raise ValueError("limit must be at least 1")
    semaphore = asyncio.Semaphore(limit)

    async def bounded(coro):
        try:
            async with semaphore:
                return await coro
        finally:
            coro.close()

    return await _run_all([bounded(c) for c in items])
