"""run_blocking calls the blocking function directly inside the coroutine, freezing the event loop.

This is ``time.sleep`` inside ``async def``: while it runs, no other coroutine can make progress.
"""

from _reference import *


async def run_blocking(func, /, *args, **kwargs):
    if not callable(func):
        raise TypeError("run_blocking() needs a callable")
    return func(*args, **kwargs)
