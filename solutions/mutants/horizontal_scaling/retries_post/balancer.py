"""Retries every failed request, POST included, so a POST may be applied twice.

A load balancer in process: a WSGI app that spreads requests over backend WSGI apps."""

from __future__ import annotations

import _reference.balancer as ref
from _reference.balancer import *


class _EveryMethod(frozenset):
    def __contains__(self, method: object) -> bool:
        return True


ref.IDEMPOTENT = _EveryMethod()  # LoadBalancer reads it from its own module: all are retried
