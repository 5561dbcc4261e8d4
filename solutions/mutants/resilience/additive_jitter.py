"""Adds a little jitter on top of the capped backoff, so delays exceed the cap and barely spread."""

import _reference
from _reference import *


def backoff_delay(attempt, *, base, cap, rng):
    return min(cap, base * 2.0 ** min(attempt, 1000)) + rng.uniform(0, base)


_reference.backoff_delay = backoff_delay
