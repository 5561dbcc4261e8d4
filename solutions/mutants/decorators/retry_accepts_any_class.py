"""retry checks that exceptions is a class, not an exception class: retry(exceptions=int) passes.

`except int:` then raises TypeError inside the wrapper, on the first failure, instead of
retrying: the mistake shows up at the worst moment.
"""

import functools
import time

from _reference import *


def retry(func=None, /, *, times=3, exceptions=(Exception,), delay=0.0, sleep=time.sleep):
    if not isinstance(times, int) or isinstance(times, bool):
        raise TypeError("times must be an int")
    if times < 1:
        raise ValueError(f"times must be at least 1, got {times}")
    if not isinstance(delay, int | float) or isinstance(delay, bool):
        raise TypeError("delay must be a number")
    if not delay >= 0:
        raise ValueError("delay must be >= 0")
    retry_on = exceptions if isinstance(exceptions, tuple) else (exceptions,)
    if not all(isinstance(t, type) for t in retry_on):
        raise TypeError("exceptions must be classes")

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for attempt in range(1, times + 1):
                try:
                    return fn(*args, **kwargs)
                except retry_on:
                    if attempt == times:
                        raise
                sleep(delay)
            raise AssertionError("unreachable")

        return wrapper

    return decorate(func) if func is not None else decorate
