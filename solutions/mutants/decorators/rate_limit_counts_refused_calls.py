"""rate_limit records a call's time before checking the limit, so refused calls use up the budget.

A client that keeps retrying while limited is never let back in.
"""

import functools
import time
from collections import deque

from _reference import *


def rate_limit(calls, per, *, key=None, clock=time.monotonic):
    if calls < 1 or per <= 0:
        raise ValueError("calls must be >= 1 and per > 0")

    def decorate(fn):
        windows = {}

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            now = clock()
            client = key(*args, **kwargs) if key is not None else None
            recent = windows.setdefault(client, deque())
            while recent and now - recent[0] >= per:
                recent.popleft()
            recent.append(now)
            if len(recent) > calls:
                raise RateLimitExceeded(fn.__name__, recent[0] + per - now)
            return fn(*args, **kwargs)

        return wrapper

    return decorate
