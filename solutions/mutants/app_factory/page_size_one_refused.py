"""Refuses PAGE_SIZE=1 (1 < PAGE_SIZE where 1 <= PAGE_SIZE is due)."""

import _reference
from _reference import *

_original = _reference.check_ranges


def check_ranges(settings):
    if settings["PAGE_SIZE"] == 1:
        raise ConfigError("PAGE_SIZE=1: expected 2 to 1000")
    _original(settings)


_reference.check_ranges = check_ranges
