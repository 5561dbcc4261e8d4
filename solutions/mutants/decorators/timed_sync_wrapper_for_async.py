"""timed wraps an async def in a plain def: it times the creation of the coroutine, not the await.

Calling an async function only builds a coroutine object, at once; the work runs later, when
it is awaited. The plain wrapper measures ~0 s, and iscoroutinefunction(wrapper) is False, so
Flask's ensure_sync calls it like a sync view and gets a coroutine back (the old behaviour).
"""

import functools
import time

from _reference import *


def timed(func=None, *, clock=time.perf_counter):
    def decorate(fn):
        timings = []

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            start = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                timings.append(clock() - start)

        wrapper.timings = timings
        return wrapper

    return decorate(func) if func is not None else decorate
