"""atomic_write uses mkstemp and copies the old file's mode, so a new file stays 0o600.

mkstemp creates its file readable by the owner only; with no old file to copy the mode from,
the new file never gets the 0o666-minus-umask that open(path, "w") would have given it.
"""

import contextlib
import os
import tempfile
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
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with open(fd, mode, encoding=None if "b" in mode else encoding) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        if old_mode is not None:
            os.chmod(tmp, old_mode)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
