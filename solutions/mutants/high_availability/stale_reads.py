"""Round-robins reads over every healthy replica, ignoring min_seq: a session misses its own write.

A replica that has not applied the session's last write answers with stale data.
"""

from _reference import *
from _reference import _check_seq, _normalise


class Router(Router):
    def read(self, sql, params=(), *, min_seq=0):
        sql, params = _normalise(sql, params)
        _check_seq(min_seq, "min_seq")
        head = self._ping(self._primary)
        if head is not None and min_seq > head:
            raise ValueError(f"min_seq {min_seq} is ahead of the primary")
        healthy = [r for r in self._replicas if r.healthy]
        start = self._next_read
        self._next_read += 1
        for i in range(len(healthy)):
            replica = healthy[(start + i) % len(healthy)]
            if self._ping(replica) is None:
                continue
            rows = self._query(replica, sql, params)
            if rows is not None:
                return rows
        if head is None:
            raise NoHealthyNode("nothing can answer")
        return self._query(self._primary, sql, params)
