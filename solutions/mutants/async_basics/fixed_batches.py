"""gather_limited runs the jobs in fixed batches of `limit`: one slow job stalls its whole batch.

The next batch waits for the slowest job of the previous one although slots are free.
"""

import asyncio

from _reference import *
from _reference import _coroutines


async def gather_limited(coros, limit):
    items = _coroutines(coros, "gather_limited")
    if not isinstance(limit, int) or isinstance(limit, bool):
        raise TypeError("limit must be an int")
    if limit < 1:
        raise ValueError("limit must be at least 1")
    results = []
    for start in range(0, len(items), limit):
        results += await asyncio.gather(*items[start : start + limit])
    return results
