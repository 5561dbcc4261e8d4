"""check_health() only reports a dead primary and leaves failover to the next write."""

from _reference import *


class Router(Router):
    def check_health(self):
        primary_head = self._ping(self._primary)
        for replica in self._replicas:
            head = self._ping(replica)
            if head is not None and primary_head is not None and head > primary_head:
                replica.healthy = False
        return {node.name: node.healthy for node in [self._primary, *self._replicas]}
