"""open_all refuses a str but not a Path or bytes: open_all(Path("notes.txt")) is not refused.

A Path is not iterable, so it fails anyway, but with a confusing TypeError from the loop; a
bytes path iterates as integers and tries to open file descriptors 110, 111, ...
"""

import contextlib

from _reference import *


@contextlib.contextmanager
def open_all(paths, mode="r", encoding="utf-8"):
    if isinstance(paths, str):
        raise TypeError("open_all() takes a collection of paths, not a single path")
    with contextlib.ExitStack() as stack:
        yield [
            stack.enter_context(open(p, mode, encoding=None if "b" in mode else encoding))
            for p in paths
        ]
