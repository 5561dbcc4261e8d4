"""Evicts the oldest inserted entry (FIFO) instead of the least recently used one."""

import _reference
from _reference import *


class TTLCache(_reference.TTLCache):
    def _lookup(self, key):
        entry = self._data.get(key)
        if entry is not None:
            expires_at, value = entry
            if self.clock() < expires_at:
                self.hits += 1
                return value  # no move_to_end: reads do not count as use
            del self._data[key]
        self.misses += 1
        return _reference._MISSING

    def _store(self, key, value):
        self._data[key] = (self.clock() + self.ttl, value)
        while len(self._data) > self.maxsize:
            self._data.popitem(last=False)
