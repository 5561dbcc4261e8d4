"""pump() reports every replica it tried, also one that turned out unreachable or failed.

The caller is told a dead replica is "at -1" (or a failed one at its old sequence) as if it were
still part of the cluster's healthy set.
"""

from _reference import *
from _reference import _check_seq


class Router(Router):
    def pump(self, upto=None):
        head = self._head(self._live_primary())
        target = head if upto is None else min(_check_seq(upto, "upto"), head)
        return {replica.name: self._ship(self._primary, replica, target)
                for replica in self._replicas if replica.healthy}
