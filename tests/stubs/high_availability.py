"""High availability over SQLite nodes: a replicated router with failover and online backups.

Every node (one primary, several replicas) is its own SQLite database, reached through a
``sqlite3.Connection`` that the caller opens and hands over in a ``Node``. Read the kata's
README (katas/high_availability.md) for the exact behaviour each task asks for. Every error
the router raises itself says what was wrong in its message; sqlite3 errors pass through.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

LOG_TABLE = "_ha_log"  # the replication log: (seq INTEGER PRIMARY KEY, batch TEXT NOT NULL)

Params = Sequence[Any] | Mapping[str, Any]
Statement = tuple[str, Params]
Progress = Callable[[int, int, int], object]


class HAError(Exception):
    """Base class of the router's own errors."""


class NoHealthyNode(HAError):
    """No reachable node can serve the request."""


class WriteNotAcknowledged(HAError):
    """The write reached the primary but no replica confirmed it.

    ``seq`` is the sequence number the write got on the primary.
    """

    def __init__(self, seq: int, message: str) -> None:
        super().__init__(message)
        self.seq = seq


@dataclass(eq=False)
class Node:
    """One database of the cluster. ``healthy`` is the router's latest opinion of it."""

    name: str
    connection: sqlite3.Connection
    healthy: bool = True


class Router:
    """Routes writes to the primary and reads to healthy replicas; fails over; backs up."""

    def __init__(self, primary: Node, replicas: Sequence[Node]) -> None:
        """Task 1: take over the connections (``isolation_level = None``), create the
        ``_ha_log`` table on every node. ``TypeError`` for non-Node arguments, ``ValueError``
        for duplicate names, no replicas, or a replica ahead of the primary."""
        raise NotImplementedError("Task 1: set up the nodes and the replication log")

    @property
    def primary(self) -> str:
        """Task 1: the name of the current primary."""
        raise NotImplementedError("Task 1: the primary's name")

    @property
    def replicas(self) -> list[str]:
        """Task 1: the names of the current replicas, in order."""
        raise NotImplementedError("Task 1: the replicas' names")

    def applied(self) -> dict[str, int | None]:
        """Task 1: ``{name: highest applied seq}`` for every node, primary first: ``0`` for an
        empty log (``COALESCE(MAX(seq), 0)``: ``MAX`` of no rows is NULL), ``None`` for a node
        that cannot answer."""
        raise NotImplementedError("Task 1: report MAX(seq) of every node's log")

    def write(self, sql: str, params: Params = ()) -> int:
        """Task 1: one statement as a transaction; return its sequence number."""
        raise NotImplementedError("Task 1: write through transaction()")

    def transaction(self, statements: Sequence[Statement]) -> int:
        """Task 1: run ``(sql, params)`` pairs all-or-nothing on the primary, log them in the
        same transaction, then ship them to at least one replica before returning the
        sequence number. Raise ``WriteNotAcknowledged`` when no replica confirms.
        Before touching a node: ``TypeError`` for a malformed batch (not a list or tuple of
        2-item tuples or lists, a mapping with a non-str key) or a value that is not
        None/int/float/str, ``ValueError`` for an empty batch or a NaN/infinite float.
        Any error on the primary, ``COMMIT`` included, rolls back and propagates unchanged."""
        raise NotImplementedError("Task 1: commit on the primary, acknowledge after a replica")

    def pump(self, upto: int | None = None) -> dict[str, int]:
        """Task 1: let every healthy replica apply the log up to ``upto`` (default: all);
        return each replica's applied sequence, leaving out one that turned out unhealthy. A
        replica that fails while applying an entry rolls it back and is marked unhealthy."""
        raise NotImplementedError("Task 1: apply log entries on the replicas, in order")

    def read(self, sql: str, params: Params = (), *, min_seq: int = 0) -> list[tuple[Any, ...]]:
        """Tasks 2 and 3: run a query on a healthy replica (round robin) that has applied
        ``min_seq``; fall back to the primary; ``NoHealthyNode`` if nothing can answer (the
        primary too is down, or fails while answering)."""
        raise NotImplementedError("Task 2: route reads to healthy replicas")

    def check_health(self) -> dict[str, bool]:
        """Task 4: ping every node and return ``{name: healthy}``; re-admit recovered
        replicas; report a replica ahead of the primary (diverged) unhealthy; fail over a dead
        primary."""
        raise NotImplementedError("Task 4: ping every node")

    def failover(self) -> str:
        """Task 4: promote the most up-to-date reachable replica; return its name."""
        raise NotImplementedError("Task 4: promote the replica with the highest applied seq")

    def backup(
        self,
        target: sqlite3.Connection,
        *,
        pages: int = -1,
        progress: Progress | None = None,
    ) -> None:
        """Task 5: copy the primary into ``target`` with ``Connection.backup``."""
        raise NotImplementedError("Task 5: use sqlite3's online backup API")

    @classmethod
    def restore(cls, backup: sqlite3.Connection, primary: Node, replicas: Sequence[Node]) -> Router:
        """Task 5: seed every node from ``backup`` and return a router over them."""
        raise NotImplementedError("Task 5: copy the backup onto every node")
