"""with_timeout checks only the range of seconds, never its type: Fraction(1, 2) or True pass.

A str or None still fails, but only by accident (inside math.isfinite).
"""

import asyncio
import inspect
import math

from _reference import *


async def with_timeout(coro, seconds):
    if not inspect.iscoroutine(coro):
        raise TypeError("with_timeout() needs a coroutine object")
    if not (math.isfinite(seconds) and seconds > 0):
        coro.close()
        raise ValueError("seconds must be finite and > 0")
    async with asyncio.timeout(seconds):
        return await coro
