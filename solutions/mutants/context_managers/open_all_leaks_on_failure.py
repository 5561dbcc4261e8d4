"""open_all opens every file in a loop and closes them in `finally` only once the block ran:
when a later open fails, the files already opened stay open."""

import contextlib

from _reference import *


@contextlib.contextmanager
def open_all(paths, mode="r", encoding="utf-8"):
    if isinstance(paths, str):
        raise TypeError("paths")
    files = [open(p, mode, encoding=encoding) for p in paths]
    try:
        yield files
    finally:
        for f in files:
            f.close()
