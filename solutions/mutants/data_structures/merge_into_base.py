"""deep_merge writes the override into base itself and returns it, changing the caller's config."""

from collections.abc import Mapping

from _reference import *


def deep_merge(base, override):
    if not isinstance(base, Mapping) or not isinstance(override, Mapping):
        raise TypeError("deep_merge() needs two mappings")
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), Mapping):
            deep_merge(base[key], value)
        else:
            base[key] = value
    return base
