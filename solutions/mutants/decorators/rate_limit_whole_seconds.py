"""rate_limit rounds retry_after up to whole seconds, as if it were already the Retry-After header.

retry_after is the exact number of seconds; rounding up is the HTTP layer's job (Retry-After
takes whole seconds). A test whose clock moves by whole seconds cannot tell the two apart.
"""

import functools
import math
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
        windows = {}
        lock = threading.Lock()

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            client = key(*args, **kwargs) if key is not None else None
            with lock:
                now = clock()
                recent = windows.setdefault(client, deque())
                while recent and now - recent[0] >= per:
                    recent.popleft()
                if len(recent) >= calls:
                    raise RateLimitExceeded(fn.__name__, math.ceil(recent[0] + per - now))
                recent.append(now)
            return fn(*args, **kwargs)

        return wrapper

    return decorate
