"""invert builds {value: key}, so when two keys share a value only the last one survives."""

from collections.abc import Mapping

from _reference import *


def invert(mapping):
    if not isinstance(mapping, Mapping):
        raise TypeError("invert() needs a mapping")
    return {value: key for key, value in mapping.items()}
