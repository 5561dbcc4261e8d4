"""temporary_env validates a name only when it sets a value, so deleting "A=B" or "" passes.

The checks sit inside the `if value is not None` branch; os.environ.pop() never complains.
"""

import contextlib
import os

from _reference import *


@contextlib.contextmanager
def temporary_env(**variables):
    for name, value in variables.items():
        if value is not None:
            if not name or "=" in name or "\0" in name:
                raise ValueError(f"invalid environment variable name {name!r}")
            if not isinstance(value, str):
                raise TypeError(f"{name}: value must be str or None")
            if "\0" in value:
                raise ValueError(f"{name}: value contains a NUL character")
    saved = {name: os.environ.get(name) for name in variables}
    try:
        for name, value in variables.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, old in saved.items():
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old
