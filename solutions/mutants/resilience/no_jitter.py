"""Plain exponential backoff without jitter: every client retries at the same instants."""

import _reference
from _reference import *


def backoff_delay(attempt, *, base, cap, rng):
    return min(cap, base * 2.0 ** min(attempt, 1000))


_reference.backoff_delay = backoff_delay
