"""atomic_write opens the target with "w", which truncates it: a failed write loses the old data."""

import contextlib

from _reference import *


@contextlib.contextmanager
def atomic_write(path, mode="w", encoding="utf-8"):
    if mode not in ("w", "wb"):
        raise ValueError(mode)
    with open(path, mode, encoding=None if "b" in mode else encoding) as f:
        yield f
