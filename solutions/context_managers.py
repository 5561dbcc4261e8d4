"""Context managers for the jobs `with` is made for: timing, environment, transactions, errors,
files and pooled async resources. Each one cleans up on every exit path and swallows an
exception only when that is its stated job."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import sqlite3
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Generic, Protocol, Self, TypeVar

__all__ = [
    "Pool",
    "Timer",
    "atomic_write",
    "open_all",
    "suppress_and_log",
    "temporary_env",
    "transaction",
]


# --- Task 1: a class-based timer -------------------------------------------------------------


class Timer:
    """Measures the time spent inside a `with` block, also when the block raises."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self._clock = clock  # injectable so tests need no sleeps; perf_counter is monotonic
        self._start: float | None = None
        self.elapsed: float | None = None

    def __enter__(self) -> Self:
        self.elapsed = None
        self._start = self._clock()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._start is not None
        self.elapsed = self._clock() - self._start
        # Returning None (falsy) lets any exception propagate: a timer has no business hiding it.


# --- Task 2: temporary environment variables ---------------------------------------------------


@contextlib.contextmanager
def temporary_env(**variables: str | None) -> Iterator[None]:
    """Set (str) or delete (None) environment variables for the block; restore them afterwards."""
    for name, value in variables.items():  # validate everything before changing anything
        if not name or "=" in name or "\0" in name:
            raise ValueError(f"invalid environment variable name {name!r}")
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{name}: value must be str or None, not {type(value).__name__}")
        if value is not None and "\0" in value:
            raise ValueError(f"{name}: value contains a NUL character")
    saved = {name: os.environ.get(name) for name in variables}
    try:
        for name, value in variables.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, old in saved.items():
            if old is None:
                os.environ.pop(name, None)  # it did not exist: remove it, don't set ""
            else:
                os.environ[name] = old


# --- Task 3: an sqlite3 transaction ------------------------------------------------------------


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Commit the block's statements together, or roll them all back and re-raise.

    Nested use becomes a SAVEPOINT, so an inner failure undoes only the inner block.
    """
    if conn.in_transaction:
        name = f"sp_{id(conn)}_{os.urandom(4).hex()}"
        conn.execute(f"SAVEPOINT {name}")  # name is generated here, never user input
        try:
            yield conn
        except BaseException:
            conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
            conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        conn.execute(f"RELEASE SAVEPOINT {name}")
        return
    # An explicit BEGIN makes the block atomic even when the connection is in autocommit mode
    # (isolation_level=None), where `with conn:` would commit every statement on its own.
    conn.execute("BEGIN")
    try:
        yield conn
    except BaseException:  # KeyboardInterrupt and CancelledError must roll back too
        conn.rollback()
        raise
    try:
        conn.commit()
    except BaseException:
        conn.rollback()  # e.g. a deferred constraint failing at COMMIT
        raise


# --- Task 4: suppress some exceptions, but log them -------------------------------------------


class suppress_and_log(contextlib.AbstractContextManager["suppress_and_log"]):
    """Like `contextlib.suppress`, but every suppressed exception is logged with its traceback."""

    def __init__(self, *exceptions: type[BaseException], logger: logging.Logger | None = None):
        if not exceptions:
            raise TypeError("suppress_and_log() needs at least one exception class")
        for exc in exceptions:
            if not (isinstance(exc, type) and issubclass(exc, BaseException)):
                raise TypeError(f"{exc!r} is not an exception class")
        self.exceptions = exceptions
        self.logger = logger or logging.getLogger(__name__)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        if exc_type is None or not issubclass(exc_type, self.exceptions):
            return False  # nothing happened, or not ours: let it propagate untouched
        self.logger.error("suppressed %s: %s", exc_type.__name__, exc, exc_info=(exc_type, exc, tb))
        return True  # the one place where returning True is the point


# --- Task 5: atomic file write -------------------------------------------------------------------


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
            file.flush()
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


# --- Task 6: open many files, all or nothing -----------------------------------------------------


@contextlib.contextmanager
def open_all(
    paths: Iterable[str | os.PathLike[str]], mode: str = "r", encoding: str | None = "utf-8"
) -> Iterator[list[IO[Any]]]:
    """Open every path; close them all on exit. If one open fails, close those already open."""
    if isinstance(paths, str | bytes | os.PathLike):
        # A single path is iterable (of characters): refuse it rather than open "n", "o", ...
        raise TypeError("open_all() takes a collection of paths, not a single path")
    with contextlib.ExitStack() as stack:
        files = [
            stack.enter_context(open(p, mode, encoding=None if "b" in mode else encoding))
            for p in paths
        ]
        yield files


# --- Task 7: an async resource pool ---------------------------------------------------------------


class Resource(Protocol):
    async def close(self) -> None: ...


R = TypeVar("R", bound=Resource)


class Pool(Generic[R]):
    """At most `size` resources in use at once; idle ones are reused.

    A resource whose block raised (or was cancelled) may be broken mid-operation, so it is
    closed and dropped instead of going back to the pool.
    """

    def __init__(self, factory: Callable[[], Awaitable[R]], size: int) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"size must be a positive int, got {size!r}")
        self._factory = factory
        self._slots = asyncio.Semaphore(size)
        self._idle: deque[R] = deque()
        self.in_use = 0

    @contextlib.asynccontextmanager
    async def acquire(self) -> AsyncIterator[R]:
        await self._slots.acquire()  # a waiter cancelled here holds no slot: nothing to undo
        try:
            resource = self._idle.popleft() if self._idle else await self._factory()
        except BaseException:
            self._slots.release()  # the factory failed or we were cancelled while it ran
            raise
        self.in_use += 1
        try:
            yield resource
        except BaseException:  # BaseException: CancelledError is not an Exception
            self.in_use -= 1
            self._slots.release()
            # close it without letting a second failure hide the first one
            with contextlib.suppress(Exception):
                await resource.close()
            raise
        self.in_use -= 1
        self._idle.append(resource)
        self._slots.release()
