"""log_calls hides a parameter only when its name IS a secret word: api_token, DB_PASSWORD leak.

An exact match where a substring test was needed: a deny-list must err on the side of hiding.
"""

import functools
import inspect
import logging

from _reference import *


def log_calls(func=None, *, logger=None, level=logging.INFO, redact=SECRET_WORDS):
    if isinstance(redact, str | bytes):
        raise TypeError("redact must be a collection of words")
    words = tuple(w.casefold() for w in redact)

    def decorate(fn):
        log = logger if logger is not None else logging.getLogger(fn.__module__)
        params = inspect.signature(fn).parameters.values()
        named = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        rest = next((p.name for p in params if p.kind is p.VAR_POSITIONAL), None)

        def shown(param, value):
            hidden = param is not None and param.casefold() in words
            return REDACTED if hidden else repr(value)

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
