"""atomic_write opens the temp file without passing encoding on, so encoding="latin-1" is ignored.

The text is written in the locale's encoding (UTF-8 here): 'é' lands as two bytes, not b"\xe9".
"""

import contextlib
import os
from pathlib import Path

from _reference import *


@contextlib.contextmanager
def atomic_write(path, mode="w", encoding="utf-8"):
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', not {mode!r}")
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(f"{target} is a directory")
    try:
        old_mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        old_mode = None
    perms = 0o666 if old_mode is None else old_mode
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, perms)
    try:
        with open(fd, mode) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        if old_mode is not None:
            os.chmod(tmp, old_mode)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
