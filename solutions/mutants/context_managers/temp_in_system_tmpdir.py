"""atomic_write creates its temp file in the system temp directory (tempfile's default): a rename
from another filesystem is a copy, not atomic - and it loses the file's permissions."""

import contextlib
import os
import tempfile
from pathlib import Path

from _reference import *


@contextlib.contextmanager
def atomic_write(path, mode="w", encoding="utf-8"):
    if mode not in ("w", "wb"):
        raise ValueError(mode)
    if Path(path).is_dir():
        raise IsADirectoryError(path)
    fd, tmp = tempfile.mkstemp()
    try:
        with open(fd, mode, encoding=None if "b" in mode else encoding) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
