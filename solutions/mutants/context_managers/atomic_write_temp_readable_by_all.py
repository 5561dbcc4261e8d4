"""atomic_write creates the temp file 0o666 minus the umask and fixes the mode only at the end.

While the new content of a 0o600 secrets file is being written, the half-written temp file is
0o644: any local user can read it before the chmod.
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
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
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
