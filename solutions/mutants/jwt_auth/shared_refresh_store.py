"""One module-level refresh-token store for every app: a token of one app works at another."""

import _reference
from _reference import *

_SHARED = {}


class RefreshStore(_reference.RefreshStore):
    def __init__(self, ttl, clock):
        super().__init__(ttl, clock)
        self._grants = _SHARED


_reference.RefreshStore = RefreshStore
