"""rate_limit keeps one window for all callers and ignores key, so one client locks out everyone.

The old behaviour: a single busy (or hostile) client uses up the whole budget of a view.
"""

import functools
import threading
import time
from collections import deque

from _reference import *


def rate_limit(calls, per, *, key=None, clock=time.monotonic):
    if not isinstance(calls, int) or isinstance(calls, bool) or calls < 1:
        raise ValueError("calls must be an int >= 1")
    if not isinstance(per, int | float) or isinstance(per, bool) or not per > 0:
        raise ValueError("per must be > 0")
    if key is not None and not callable(key):
        raise TypeError("key must be callable")

    def decorate(fn):
        recent = deque()
        lock = threading.Lock()

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if key is not None:
                key(*args, **kwargs)  # called, but every client shares `recent`
            with lock:
                now = clock()
                while recent and now - recent[0] >= per:
                    recent.popleft()
                if len(recent) >= calls:
                    raise RateLimitExceeded(fn.__name__, recent[0] + per - now)
                recent.append(now)
            return fn(*args, **kwargs)

        return wrapper

    return decorate
