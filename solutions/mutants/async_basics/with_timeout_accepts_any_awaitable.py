"""with_timeout checks inspect.isawaitable, so a Task or Future someone else runs is accepted.

Timing out then cancels work the caller does not own; the README asks for coroutine objects.
"""

import asyncio
import inspect
import math

from _reference import *


async def with_timeout(coro, seconds):
    if not inspect.isawaitable(coro):
        raise TypeError("with_timeout() needs an awaitable")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        if inspect.iscoroutine(coro):
            coro.close()
        raise TypeError("seconds must be a number")
    if not (math.isfinite(seconds) and seconds > 0):
        if inspect.iscoroutine(coro):
            coro.close()
        raise ValueError("seconds must be finite and > 0")
    async with asyncio.timeout(seconds):
        return await coro
