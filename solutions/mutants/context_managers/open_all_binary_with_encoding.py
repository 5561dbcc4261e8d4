"""open_all always passes encoding= to open(), so open_all(paths, mode="rb") raises ValueError.

Binary mode takes no encoding: pass encoding only for text modes.
"""

import contextlib
import os

from _reference import *


@contextlib.contextmanager
def open_all(paths, mode="r", encoding="utf-8"):
    if isinstance(paths, str | bytes | os.PathLike):
        raise TypeError("open_all() takes a collection of paths, not a single path")
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(open(p, mode, encoding=encoding)) for p in paths]
