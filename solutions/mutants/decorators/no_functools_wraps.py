"""The wrapper is not decorated with functools.wraps, so the function loses its name and docstring.

The bank's sample mistake: ``add.__name__`` becomes ``"wrapper"``, ``__doc__`` is gone, and in
Flask two views guarded this way both register the endpoint ``"wrapper"``.
"""

import logging

from _reference import *
from _reference import _describe_call


def log_calls(func=None, *, logger=None, level=logging.INFO):
    def decorate(fn):
        log = logger if logger is not None else logging.getLogger(fn.__module__)

        def wrapper(*args, **kwargs):
            log.log(level, "calling %s", _describe_call(fn.__name__, args, kwargs))
            try:
                result = fn(*args, **kwargs)
            except Exception as exc:
                log.log(level, "%s raised %r", fn.__name__, exc)
                raise
            log.log(level, "%s returned %r", fn.__name__, result)
            return result

        return wrapper

    return decorate(func) if func is not None else decorate


def require_api_key(view):
    import _reference

    guarded = _reference.require_api_key(view)

    def wrapper(*args, **kwargs):
        return guarded(*args, **kwargs)

    return wrapper
