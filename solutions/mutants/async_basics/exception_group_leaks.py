"""fetch_all lets the TaskGroup's ExceptionGroup escape instead of the job's own exception.

Callers written as ``except ValueError:`` no longer catch the failure.
"""

import asyncio

from _reference import *
from _reference import _coroutines


async def fetch_all(coros):
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(c) for c in _coroutines(coros, "fetch_all")]
    return [t.result() for t in tasks]
