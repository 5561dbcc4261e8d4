"""deep_merge builds a new top-level dict but reuses the inputs' nested dicts and lists.

The inputs look untouched right after the call, yet editing the result later edits them too.
"""

from collections.abc import Mapping

from _reference import *


def deep_merge(base, override):
    if not isinstance(base, Mapping) or not isinstance(override, Mapping):
        raise TypeError("deep_merge() needs two mappings")
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged
