"""Pool.acquire releases in `finally` and always returns the resource to the pool, so a
resource whose block failed mid-operation is handed out again."""

import contextlib

from _reference import *
from _reference import Pool as _Pool


class Pool(_Pool):
    @contextlib.asynccontextmanager
    async def acquire(self):
        async with self._slots:
            resource = self._idle.popleft() if self._idle else await self._factory()
            self.in_use += 1
            try:
                yield resource
            finally:
                self.in_use -= 1
                self._idle.append(resource)
