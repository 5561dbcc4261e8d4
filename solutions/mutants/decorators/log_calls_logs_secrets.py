"""log_calls logs every argument as it is, passwords and tokens included (the old behaviour).

Log files are read by many more people and systems than the database is; OWASP's Logging
Cheat Sheet lists passwords, session ids and access tokens among the data never to log.
"""

import functools
import inspect
import logging

from _reference import *


def log_calls(func=None, *, logger=None, level=logging.INFO, redact=SECRET_WORDS):
    if isinstance(redact, str | bytes):
        raise TypeError("redact must be a collection of words")

    def decorate(fn):
        log = logger if logger is not None else logging.getLogger(fn.__module__)
        params = inspect.signature(fn).parameters.values()
        named = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        rest = next((p.name for p in params if p.kind is p.VAR_POSITIONAL), None)

        def shown(param, value):
            return repr(value)  # redact is accepted but never used

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if not log.isEnabledFor(level):
                return fn(*args, **kwargs)
            parts = [shown(named[i] if i < len(named) else rest, a) for i, a in enumerate(args)]
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
