"""Context managers and the `with` statement.

Read katas/context_managers.md for the tasks. Build each one so that it cleans up on every exit
path (normal, exception, cancellation) and swallows an exception only when that is its job.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from types import TracebackType
from typing import IO, Any, Generic, Protocol, Self, TypeVar


class Timer:
    """Task 1: `with Timer(clock) as t:` measures the block; `t.elapsed` is a float afterwards
    (None before the first block ends), also when the block raised. Never swallows errors."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        raise NotImplementedError("Task 1: Timer")

    def __enter__(self) -> Self:
        raise NotImplementedError("Task 1: Timer.__enter__")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        raise NotImplementedError("Task 1: Timer.__exit__")


def temporary_env(**variables: str | None) -> contextlib.AbstractContextManager[None]:
    """Task 2: set (a str value) or delete (None) environment variables inside the block and
    restore every one of them afterwards: changed, deleted and newly added. Bad names or values
    raise ValueError/TypeError before anything changes."""
    raise NotImplementedError("Task 2: temporary_env")


def transaction(conn: sqlite3.Connection) -> contextlib.AbstractContextManager[sqlite3.Connection]:
    """Task 3: BEGIN; commit if the block succeeds; roll back and re-raise if it raises
    (anything, BaseException included) or if the COMMIT itself fails. Nested use: a
    SAVEPOINT."""
    raise NotImplementedError("Task 3: transaction")


class suppress_and_log:
    """Task 4: suppress only the listed exception classes (and subclasses), logging each one
    with its traceback on `logger`; everything else propagates unlogged."""

    def __init__(self, *exceptions: type[BaseException], logger: logging.Logger | None = None):
        raise NotImplementedError("Task 4: suppress_and_log")

    def __enter__(self) -> Self:
        raise NotImplementedError("Task 4: suppress_and_log.__enter__")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        raise NotImplementedError("Task 4: suppress_and_log.__exit__")


def atomic_write(
    path: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8"
) -> contextlib.AbstractContextManager[IO[Any]]:
    """Task 5: yield a file that writes to a temp file in the target's directory; on success
    flush, fsync, keep the old file's permissions and os.replace() it over `path`; on failure
    delete the temp file and re-raise. Only modes "w" and "wb". A new file gets 0o666 minus the
    umask -- let the kernel apply it (os.open with O_CREAT | O_EXCL); never call os.umask()."""
    raise NotImplementedError("Task 5: atomic_write")


def open_all(
    paths: Iterable[str | os.PathLike[str]], mode: str = "r", encoding: str | None = "utf-8"
) -> contextlib.AbstractContextManager[list[IO[Any]]]:
    """Task 6: open every path with the built-in open(), yield the list of files, close them all
    on exit; if one open fails, close those already open and re-raise. `mode` and `encoding` go
    to open() (no encoding in a binary mode). A single str, bytes or path object is a
    TypeError."""
    raise NotImplementedError("Task 6: open_all")


class Resource(Protocol):
    async def close(self) -> None: ...


R = TypeVar("R", bound=Resource)


class Pool(Generic[R]):
    """Task 7: at most `size` resources in use at once, made by the async `factory` and reused
    when idle. `async with pool.acquire() as r:`; a block that raises (or is cancelled) closes
    and drops its resource. `in_use` counts resources handed out right now."""

    in_use: int

    def __init__(self, factory: Callable[[], Awaitable[R]], size: int) -> None:
        raise NotImplementedError("Task 7: Pool")

    def acquire(self) -> contextlib.AbstractAsyncContextManager[R]:
        raise NotImplementedError("Task 7: Pool.acquire")
