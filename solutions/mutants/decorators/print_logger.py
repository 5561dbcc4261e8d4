"""log_calls prints to stdout instead of using the logging module (the bank's sample).

print cannot be filtered by level, routed to a file or silenced per module, and in a web
server stdout may not even be collected.
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
        params = inspect.signature(fn).parameters.values()
        named = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        rest = next((p.name for p in params if p.kind is p.VAR_POSITIONAL), None)

        def shown(param, value):
            hidden = param is not None and any(w in param.casefold() for w in words)
            return REDACTED if hidden else repr(value)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            parts = [shown(named[i] if i < len(named) else rest, a) for i, a in enumerate(args)]
            parts += [f"{k}={shown(k, v)}" for k, v in kwargs.items()]
            print("calling", f"{fn.__name__}({', '.join(parts)})")
            try:
                result = fn(*args, **kwargs)
            except Exception as exc:
                print(f"{fn.__name__} raised {exc!r}")
                raise
            print(f"{fn.__name__} returned {result!r}")
            return result

        return wrapper

    return decorate(func) if func is not None else decorate
