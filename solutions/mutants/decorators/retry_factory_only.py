"""retry only works with parentheses: a bare @retry wraps the function in the factory by mistake.

``@retry`` calls ``retry(func)``, which treats the function as ``times`` and hands back the
inner ``decorate``; calling the "decorated" function then runs ``decorate()`` instead of it.
"""

import functools
import time

from _reference import *


def retry(times=3, exceptions=(Exception,), delay=0.0, sleep=time.sleep):
    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for attempt in range(1, times + 1):
                try:
                    return fn(*args, **kwargs)
                except exceptions:
                    if attempt == times:
                        raise
                sleep(delay)
            return None

        return wrapper

    return decorate
