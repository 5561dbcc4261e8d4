"""Ignores the in-flight counts: 'least_connections' behaves like round robin.

A load balancer in process: a WSGI app that spreads requests over backend WSGI apps."""

from __future__ import annotations

import _reference.balancer as ref
from _reference.balancer import *


class LoadBalancer(ref.LoadBalancer):
    def _acquire(self, tried: set[str]) -> str | None:
        with self._lock:
            candidates = [n for n in self._order if n in self._healthy and n not in tried]
            if not candidates:
                return None
            # Round robin whatever self.strategy says.
            size = len(self._order)
            rotated = [self._order[(self._next + i) % size] for i in range(size)]
            name = next(n for n in rotated if n in candidates)
            self._next = (self._order.index(name) + 1) % size
            self._in_flight[name] += 1
            return name
