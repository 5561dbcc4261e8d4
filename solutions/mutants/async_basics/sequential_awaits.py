"""fetch_all awaits the coroutines one after the other: correct results, but no concurrency.

``[await c for c in coros]`` takes the sum of all the waits instead of the longest one.
"""

from _reference import *
from _reference import _coroutines


async def fetch_all(coros):
    return [await c for c in _coroutines(coros, "fetch_all")]
