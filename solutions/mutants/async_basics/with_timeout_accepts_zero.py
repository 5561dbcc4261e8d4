"""with_timeout refuses only negative seconds (seconds < 0), so a zero timeout is accepted.

asyncio.timeout(0) expires at once: every call would fail with TimeoutError.
"""

import asyncio
import inspect
import math

from _reference import *


async def with_timeout(coro, seconds):
    if not inspect.iscoroutine(coro):
        raise TypeError("with_timeout() needs a coroutine object")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        coro.close()
        raise TypeError("seconds must be a number")
    if not math.isfinite(seconds) or seconds < 0:
        coro.close()
        raise ValueError("seconds must be finite and >= 0")
    async with asyncio.timeout(seconds):
        return await coro
