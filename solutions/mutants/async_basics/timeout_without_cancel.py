"""with_timeout stops waiting after the deadline but never cancels the work, which keeps running.

``asyncio.wait(..., timeout=...)`` only stops *waiting*; the task must be cancelled explicitly.
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
    if not (math.isfinite(seconds) and seconds > 0):
        coro.close()
        raise ValueError("seconds must be finite and > 0")
    task = asyncio.ensure_future(coro)
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if not done:
        raise TimeoutError(f"no result after {seconds}s")
    return task.result()
