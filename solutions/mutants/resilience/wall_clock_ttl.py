"""Measures the TTL with the wall clock (time.time()) instead of the injected clock."""

import time

import _reference
from _reference import *


class TTLCache(_reference.TTLCache):
    def _lookup(self, key):
        entry = self._data.get(key)
        if entry is not None:
            expires_at, value = entry
            if time.time() < expires_at:
                self._data.move_to_end(key)
                self.hits += 1
                return value
            del self._data[key]
        self.misses += 1
        return _reference._MISSING

    def _store(self, key, value):
        self._data[key] = (time.time() + self.ttl, value)
        self._data.move_to_end(key)
        while len(self._data) > self.maxsize:
            self._data.popitem(last=False)

    def __len__(self):
        now = time.time()
        return sum(1 for expires_at, _ in self._data.values() if now < expires_at)
