"""timed records the duration only when the call returns, so calls that raised are not timed.

Without ``try/finally`` the slowest calls (the ones that timed out and raised) vanish from
the measurements.
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
            result = fn(*args, **kwargs)
            timings.append(clock() - start)
            return result

        wrapper.timings = timings
        return wrapper

    return decorate(func) if func is not None else decorate
