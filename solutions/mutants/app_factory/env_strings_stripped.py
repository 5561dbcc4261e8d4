"""Strips string settings from the environment too, changing KATA_APP_NAME=" shop 2 "."""

import _reference
from _reference import *

_original = _reference.from_env


def from_env(name, raw, kind):
    value = _original(name, raw, kind)
    return value.strip() if isinstance(value, str) else value


_reference.from_env = from_env
