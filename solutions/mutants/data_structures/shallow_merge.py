"""deep_merge is {**base, **override}: a nested section in override replaces the whole section."""

from collections.abc import Mapping

from _reference import *


def deep_merge(base, override):
    if not isinstance(base, Mapping) or not isinstance(override, Mapping):
        raise TypeError("deep_merge() needs two mappings")
    return {**base, **override}
