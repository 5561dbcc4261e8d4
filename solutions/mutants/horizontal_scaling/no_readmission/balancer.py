"""check_health() evicts failing backends but never re-admits one that recovered.

A load balancer in process: a WSGI app that spreads requests over backend WSGI apps."""

from __future__ import annotations

import _reference.balancer as ref
from _reference.balancer import *


class LoadBalancer(ref.LoadBalancer):
    def check_health(self) -> dict[str, bool]:
        results = {name: self._probe(app) for name, app in self._backends.items()}
        with self._lock:
            self._healthy &= {name for name, ok in results.items() if ok}
        return results
