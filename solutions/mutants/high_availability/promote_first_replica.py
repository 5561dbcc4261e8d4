"""Failover promotes the first reachable replica instead of the most up-to-date one.

The first replica in the list may be lagging: writes only the other one had are lost.
"""

from _reference import *


class Router(Router):
    def failover(self):
        old = self._primary
        for replica in self._replicas:
            if self._ping(replica) is not None:
                self._replicas.remove(replica)
                old.healthy = False
                self._primary = replica
                return replica.name
        raise NoHealthyNode("no replica is reachable")
