"""retry swallows the final exception: when every attempt fails the caller silently gets None.

The loop simply ends after the last failed attempt, so the error is lost and the caller goes on
with ``None`` as if the call had worked.
"""

import functools
import time

from _reference import *


def retry(func=None, /, *, times=3, exceptions=(Exception,), delay=0.0, sleep=time.sleep):
    if not isinstance(times, int) or isinstance(times, bool):
        raise TypeError("times must be an int")
    if not isinstance(delay, int | float) or isinstance(delay, bool):
        raise TypeError("delay must be a number")
    if not delay >= 0:
        raise ValueError("delay must be >= 0")
    if times < 1:
        raise ValueError(f"times must be at least 1, got {times}")
    if not isinstance(exceptions, tuple):
        exceptions = (exceptions,)
    if not all(isinstance(t, type) and issubclass(t, BaseException) for t in exceptions):
        raise TypeError("exceptions must be exception classes")

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for attempt in range(times):
                try:
                    return fn(*args, **kwargs)
                except exceptions:
                    if attempt < times - 1:
                        sleep(delay)
            return None

        return wrapper

    return decorate(func) if func is not None else decorate
