"""Applies the layers in the wrong order: the mapping overrides the environment."""

import os

import _reference
from _reference import *


def load_config(config=None):
    settings = dict(_reference.DEFAULTS)
    for key, kind in _reference.TYPES.items():
        raw = os.environ.get(_reference.ENV_PREFIX + key)
        if raw is not None:
            settings[key] = _reference.from_env(_reference.ENV_PREFIX + key, raw, kind)
    for key, value in (config or {}).items():
        settings[key] = _reference.check_type(key, value) if key in _reference.TYPES else value
    _reference.check_ranges(settings)
    return settings


_reference.load_config = load_config
