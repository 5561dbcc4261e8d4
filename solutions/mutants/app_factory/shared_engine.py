"""Creates one module-level engine on first use and hands it to every app."""

import _reference
from _reference import *

_ENGINE = None
_original = _reference.make_engine


def make_engine(url, echo):
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = _original(url, echo)
    return _ENGINE


_reference.make_engine = make_engine
