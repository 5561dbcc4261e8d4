"""Sends every read to the primary: always fresh, but the replicas carry no load at all.

Read-your-writes holds trivially, and the primary becomes the bottleneck the replicas were for.
"""

from _reference import *
from _reference import _check_seq, _normalise


class Router(Router):
    def read(self, sql, params=(), *, min_seq=0):
        sql, params = _normalise(sql, params)
        min_seq = _check_seq(min_seq, "min_seq")
        head = self._ping(self._primary)
        if head is None:
            raise NoHealthyNode("the primary is down")
        if min_seq > head:
            raise ValueError(f"min_seq {min_seq} is ahead of the primary")
        return self._primary.connection.execute(sql, params).fetchall()
