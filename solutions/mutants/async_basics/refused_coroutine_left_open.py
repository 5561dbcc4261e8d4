"""with_timeout raises on bad seconds without closing the coroutine it was handed.

The refused coroutine object is garbage-collected unstarted: "RuntimeWarning: coroutine ...
was never awaited", far from the line that made the mistake.
"""

import asyncio
import inspect
import math

from _reference import *


async def with_timeout(coro, seconds):
    if not inspect.iscoroutine(coro):
        raise TypeError("with_timeout() needs a coroutine object")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise TypeError("seconds must be a number")
    if not (math.isfinite(seconds) and seconds > 0):
        raise ValueError("seconds must be finite and > 0")
    async with asyncio.timeout(seconds):
        return await coro
