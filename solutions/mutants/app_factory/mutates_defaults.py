"""Merges the mapping into the module's DEFAULTS dict, so one app's settings leak into the next."""

import _reference
from _reference import *

DEFAULTS = dict(_reference.DEFAULTS)  # a plain, shared, mutable dict
_original = _reference.load_config


def load_config(config=None):
    for key, value in (config or {}).items():
        DEFAULTS[key] = _reference.check_type(key, value) if key in _reference.TYPES else value
    return _original(DEFAULTS)


_reference.load_config = load_config
