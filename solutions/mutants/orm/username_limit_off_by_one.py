"""Refuses names of exactly 50 characters (`>= 50` for `> 50`): the longest legal name fails."""

import _reference
from _reference import *


def _check_username(name):
    if not isinstance(name, str):
        raise TypeError(f"username must be a str, not {type(name).__name__}")
    if not name.strip() or len(name) >= 50:
        raise ValueError(f"username must be 1-50 characters, got {name!r}")
    return name


_reference._check_username = _check_username
