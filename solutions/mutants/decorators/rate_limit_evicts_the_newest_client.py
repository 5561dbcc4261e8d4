"""rate_limit drops idle clients with OrderedDict.popitem(), whose default pops the NEWEST entry.

popitem() means popitem(last=True): when the oldest client is idle, the loop throws away the
most recent client's window, and that client gets a fresh budget in the middle of its window.
"""

import functools
import threading
import time
from collections import OrderedDict, deque

from _reference import *


def rate_limit(
    calls: int,
    per: float,
    *,
    key: Callable[..., Hashable] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Allow at most ``calls`` calls in any window of ``per`` seconds (a sliding window).

    With ``key``, each client (``key(*args, **kwargs)``) has a window of its own.
    """
    if not isinstance(calls, int) or isinstance(calls, bool) or calls < 1:
        raise ValueError(f"calls must be an int >= 1, got {calls!r}")
    if not isinstance(per, int | float) or isinstance(per, bool) or not per > 0:
        raise ValueError(f"per must be a number of seconds > 0, got {per!r}")
    if key is not None and not callable(key):
        raise TypeError(f"key must be a function of the call's arguments, got {key!r}")

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        # Per client: the times of its accepted calls still inside the window. Ordered by each
        # client's latest accepted call, so idle clients sit at the front and are dropped there:
        # without that, every address ever seen would stay in memory for good.
        windows: OrderedDict[Hashable, deque[float]] = OrderedDict()
        lock = threading.Lock()  # views run in many threads at once

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            client = key(*args, **kwargs) if key is not None else None
            with lock:
                now = clock()
                while windows and now - next(iter(windows.values()))[-1] >= per:
                    windows.popitem()  # default last=True: drops the most recent client
                recent = windows.get(client)
                if recent is None:
                    recent = windows[client] = deque()
                while recent and now - recent[0] >= per:
                    recent.popleft()
                if len(recent) >= calls:
                    # A refused call does not count, or a busy client would lock itself out.
                    raise RateLimitExceeded(fn.__name__, recent[0] + per - now)
                recent.append(now)
                windows.move_to_end(client)
            return fn(*args, **kwargs)

        return wrapper

    return decorate
