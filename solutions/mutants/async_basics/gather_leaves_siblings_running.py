"""fetch_all uses asyncio.gather, which raises the first error but leaves the other jobs running.

The orphaned jobs keep using connections and may still write results nobody will read.
"""

import asyncio

from _reference import *
from _reference import _coroutines


async def fetch_all(coros):
    return list(await asyncio.gather(*_coroutines(coros, "fetch_all")))
