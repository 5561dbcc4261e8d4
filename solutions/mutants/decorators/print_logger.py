"""log_calls prints to stdout instead of using the logging module (the bank's sample).

print cannot be filtered by level, routed to a file or silenced per module, and in a web
server stdout may not even be collected.
"""

import functools
import logging

from _reference import *
from _reference import _describe_call


def log_calls(func=None, *, logger=None, level=logging.INFO):
    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            print("calling " + _describe_call(fn.__name__, args, kwargs))
            try:
                result = fn(*args, **kwargs)
            except Exception as exc:
                print(f"{fn.__name__} raised {exc!r}")
                raise
            print(f"{fn.__name__} returned {result!r}")
            return result

        return wrapper

    return decorate(func) if func is not None else decorate
