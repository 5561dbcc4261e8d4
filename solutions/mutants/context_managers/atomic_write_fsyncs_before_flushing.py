"""atomic_write calls os.fsync without flush(): the data is still in Python's buffer.

fsync makes durable only what the OS has; the buffered bytes reach the file when it is closed,
after the fsync, so a crash right after the rename can leave an empty or truncated file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from _reference import *


def _create_temp_beside(target: Path, perms: int) -> tuple[int, Path]:
    """Create a new, empty file next to ``target`` with ``perms`` minus the umask."""
    while True:
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
        try:
            # O_EXCL: fail rather than reuse an existing file (or follow a planted symlink).
            # The kernel applies the umask to `perms` itself, as open(path, "w") does, so we
            # never need to read the umask -- and reading it means setting it (os.umask), a
            # process-wide change that races with every other thread creating files.
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, perms), tmp
        except FileExistsError:
            continue  # 2**64 names: practically never, but never overwrite


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8"
) -> Iterator[IO[Any]]:
    """Write to a temporary file next to `path`; replace `path` only if the block succeeds.

    Readers see either the old content or the complete new content, never a half-written file.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', not {mode!r}")
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(f"{target} is a directory")
    try:
        old_mode: int | None = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        old_mode = None  # a new file keeps the mode it was created with
    # Same directory, so os.replace is a rename within one filesystem: atomic on POSIX.
    # Created with the old file's mode (or 0o666 for a new file, what open() would use), minus
    # the umask: never readable by more people than the file it replaces, even half-written.
    fd, tmp = _create_temp_beside(target, 0o666 if old_mode is None else old_mode)
    try:
        with open(fd, mode, encoding=None if "b" in mode else encoding) as file:
            yield file
            os.fsync(file.fileno())  # the data is on disk before the name points at it
        if old_mode is not None:
            os.chmod(tmp, old_mode)  # exactly the old mode: chmod ignores the umask
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable (best effort)
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
