"""Treats min_seq equal to the primary's sequence as "ahead" (>= instead of >): a session that
reads right after its own write gets ValueError when no replica caught up."""

from _reference import *
from _reference import _check_seq, _normalise


class Router(Router):
    def read(self, sql, params=(), *, min_seq=0):
        sql, params = _normalise(sql, params)
        min_seq = _check_seq(min_seq, "min_seq")
        primary_head = self._ping(self._primary)
        if primary_head is not None and min_seq >= primary_head and min_seq > 0:
            raise ValueError(f"min_seq {min_seq} is ahead of the primary")
        return super().read(sql, params, min_seq=min_seq)
