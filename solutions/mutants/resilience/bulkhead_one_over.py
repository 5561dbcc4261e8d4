"""Lets one call more than max_concurrent through the bulkhead (off by one at the limit)."""

from __future__ import annotations

import _reference
from _reference import *


class _Bulkhead:
    """At most `size` calls at once; one more is refused at once instead of queueing."""

    def __init__(self, size: int) -> None:
        self._slots = threading.BoundedSemaphore(size + 1)

    def call(self, func: Callable[..., T], *args: Any) -> T:
        if not self._slots.acquire(blocking=False):
            raise BulkheadFullError()
        try:
            return func(*args)
        finally:
            self._slots.release()


_reference._Bulkhead = _Bulkhead
