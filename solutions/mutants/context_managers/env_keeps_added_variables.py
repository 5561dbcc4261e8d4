"""temporary_env restores only variables that existed before, so newly added ones stay set."""

import contextlib
import os

from _reference import *


@contextlib.contextmanager
def temporary_env(**variables):
    saved = {name: os.environ[name] for name in variables if name in os.environ}
    try:
        for name, value in variables.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        os.environ.update(saved)
