"""retry never checks delay: retry(delay=-1) passes; time.sleep(-1) fails at the first retry."""

import functools
import time

from _reference import *
from _reference import _check_exception_types


def retry(func=None, /, *, times=3, exceptions=(Exception,), delay=0.0, sleep=time.sleep):
    if not isinstance(times, int) or isinstance(times, bool):
        raise TypeError("times must be an int")
    if times < 1:
        raise ValueError(f"times must be at least 1, got {times}")
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
