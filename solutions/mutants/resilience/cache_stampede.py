"""Cache-aside without coordination: concurrent misses on one key all hit the backend."""

import _reference
from _reference import *


class TTLCache(_reference.TTLCache):
    def get_or_load(self, key, loader):
        value = self.get(key, _reference._MISSING)
        if value is _reference._MISSING:
            value = loader(key)
            self.set(key, value)
        return value
