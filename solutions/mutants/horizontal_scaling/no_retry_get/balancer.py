"""Gives up with 502 on the first failed backend, even for a GET that could be retried.

A load balancer in process: a WSGI app that spreads requests over backend WSGI apps."""

from __future__ import annotations

import _reference.balancer as ref
from _reference.balancer import *

ref.IDEMPOTENT = frozenset()  # LoadBalancer reads it from its own module: no method is retried
