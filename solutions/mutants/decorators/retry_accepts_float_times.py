"""retry never checks that times is an int: retry(times=2.0) is accepted and fails only when called.

The error then surfaces far from the mistake, on the first call of the decorated function
(range() refuses a float), instead of where the decorator was configured.
"""

import functools
import time

from _reference import *
from _reference import _check_exception_types


def retry(func=None, /, *, times=3, exceptions=(Exception,), delay=0.0, sleep=time.sleep):
    if times < 1:
        raise ValueError(f"times must be at least 1, got {times}")
    if not isinstance(delay, int | float) or isinstance(delay, bool):
        raise TypeError("delay must be a number")
    if not delay >= 0:
        raise ValueError("delay must be >= 0")
    retry_on = _check_exception_types(exceptions)

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
