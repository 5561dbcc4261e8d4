"""Pool.acquire cleans up in `except Exception`, but CancelledError is a BaseException: a
cancelled holder never gives its slot back."""

import contextlib

from _reference import *
from _reference import Pool as _Pool


class Pool(_Pool):
    @contextlib.asynccontextmanager
    async def acquire(self):
        await self._slots.acquire()
        try:
            resource = self._idle.popleft() if self._idle else await self._factory()
        except Exception:
            self._slots.release()
            raise
        self.in_use += 1
        try:
            yield resource
        except Exception:
            self.in_use -= 1
            self._slots.release()
            await resource.close()
            raise
        self.in_use -= 1
        self._idle.append(resource)
        self._slots.release()
