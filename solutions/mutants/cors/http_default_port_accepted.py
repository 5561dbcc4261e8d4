"""Refuses the default port :443 for https but forgets :80 for http."""

import _reference
from _reference import *

_original = _reference.check_origin


def check_origin(entry):
    if isinstance(entry, str) and entry.startswith("http://") and entry.endswith(":80"):
        return entry
    return _original(entry)


_reference.check_origin = check_origin
