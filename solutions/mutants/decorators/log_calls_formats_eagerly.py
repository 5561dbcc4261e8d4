"""log_calls builds the "calling ..." text before asking whether the level is enabled.

The record is then dropped, but every argument's repr() has already run: wasted work on every
call, and a repr that touches a database or a secret runs even with logging switched off.
(The bank-style "pass arguments, not an f-string" advice alone does not prevent it.)
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
            hidden = param is not None and any(w in param.casefold() for w in words)
            return REDACTED if hidden else repr(value)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            parts = [shown(named[i] if i < len(named) else rest, a) for i, a in enumerate(args)]
            parts += [f"{k}={shown(k, v)}" for k, v in kwargs.items()]
            text = f"{fn.__name__}({', '.join(parts)})"  # formatted whether or not it is logged
            log.log(level, "calling %s", text)
            try:
                result = fn(*args, **kwargs)
            except Exception as exc:
                log.log(level, "%s raised %r", fn.__name__, exc)
                raise
            log.log(level, "%s returned %r", fn.__name__, result)
            return result

        return wrapper

    return decorate(func) if func is not None else decorate
