"""gather_limited never checks its items: gather_limited([1], 2) fails inside with AttributeError.

fetch_all refuses a non-coroutine with TypeError; the bounded variant must too.
"""

import asyncio

from _reference import *
from _reference import _close_all, _run_all


async def gather_limited(coros, limit):
    items = list(coros)
    if not isinstance(limit, int) or isinstance(limit, bool):
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
