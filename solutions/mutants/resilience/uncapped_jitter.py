"""Draws the jitter from [0, base * 2**attempt] and forgets the cap: delays grow without bound."""

import _reference
from _reference import *


def backoff_delay(attempt, *, base, cap, rng):
    return rng.uniform(0, base * 2**attempt)


_reference.backoff_delay = backoff_delay
