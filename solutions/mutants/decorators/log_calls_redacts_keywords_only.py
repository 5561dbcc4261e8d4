"""log_calls hides secret keyword arguments but prints positional ones, so login("ada", "pw") leaks.

A positional argument fills a named parameter too: map it to its name (inspect.signature).
"""

import functools
import logging

from _reference import *


def log_calls(func=None, *, logger=None, level=logging.INFO, redact=SECRET_WORDS):
    if isinstance(redact, str | bytes):
        raise TypeError("redact must be a collection of words")
    words = tuple(w.casefold() for w in redact)

    def decorate(fn):
        log = logger if logger is not None else logging.getLogger(fn.__module__)

        def shown(param, value):
            hidden = param is not None and any(w in param.casefold() for w in words)
            return REDACTED if hidden else repr(value)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if not log.isEnabledFor(level):
                return fn(*args, **kwargs)
            parts = [repr(a) for a in args]
            parts += [f"{k}={shown(k, v)}" for k, v in kwargs.items()]
            log.log(level, "calling %s", f"{fn.__name__}({', '.join(parts)})")
            try:
                result = fn(*args, **kwargs)
            except Exception as exc:
                log.log(level, "%s raised %r", fn.__name__, exc)
                raise
            log.log(level, "%s returned %r", fn.__name__, result)
            return result

        return wrapper

    return decorate(func) if func is not None else decorate
