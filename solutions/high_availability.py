"""High availability over SQLite nodes: a replicated router with failover and online backups.

Every node (one primary, several replicas) is its own SQLite database. The primary writes each
transaction *and* its entry in a replication log (``_ha_log``) in one SQLite transaction, so the
log can never disagree with the data. Replicas apply log entries in sequence order, again one
SQLite transaction per entry, so a replica's ``MAX(seq)`` is exactly how far it has got.

The router is single-threaded (sqlite3 connections refuse to cross threads by default).
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "HAError",
    "NoHealthyNode",
    "Node",
    "Router",
    "WriteNotAcknowledged",
]

LOG_TABLE = "_ha_log"
_CREATE_LOG = (
    f"CREATE TABLE IF NOT EXISTS {LOG_TABLE} (seq INTEGER PRIMARY KEY, batch TEXT NOT NULL)"
)
_HEAD = f"SELECT COALESCE(MAX(seq), 0) FROM {LOG_TABLE}"

Params = Sequence[Any] | Mapping[str, Any]
Statement = tuple[str, Params]
Progress = Callable[[int, int, int], object]


class HAError(Exception):
    """Base class of the router's own errors."""


class NoHealthyNode(HAError):
    """No reachable node can serve the request."""


class WriteNotAcknowledged(HAError):
    """The write reached the primary but no replica confirmed it: it may not survive a failover."""

    def __init__(self, seq: int, message: str) -> None:
        super().__init__(message)
        self.seq = seq


@dataclass(eq=False)
class Node:
    """One database of the cluster. ``healthy`` is the router's latest opinion of it."""

    name: str
    connection: sqlite3.Connection
    healthy: bool = True


def _deny_log_writes(action: int, arg1: str | None, *_: object) -> int:
    # User statements may read the log but never change it: that would corrupt replication.
    if arg1 == LOG_TABLE and action != sqlite3.SQLITE_READ:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _check_value(value: object) -> None:
    # The log is JSON, so only values JSON carries faithfully can be replicated.
    if value is None or isinstance(value, bool | int | str):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot replicate the non-finite float {value!r}")
        return
    raise TypeError(
        f"cannot replicate a parameter of type {type(value).__name__}: "
        "use None, int, float or str"
    )


def _normalise(sql: object, params: object) -> list[Any]:
    if not isinstance(sql, str) or not sql.strip():
        raise TypeError(f"SQL must be a non-empty string, got {sql!r}")
    if isinstance(params, Mapping):
        if not all(isinstance(key, str) for key in params):
            raise TypeError("named parameters need string keys")
        for value in params.values():
            _check_value(value)
        return [sql, dict(params)]
    if isinstance(params, str | bytes) or not isinstance(params, Sequence):
        raise TypeError(f"params must be a sequence or a mapping, got {type(params).__name__}")
    for value in params:
        _check_value(value)
    return [sql, list(params)]


def _check_seq(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, got {value!r}")
    if value < 0:
        raise ValueError(f"{what} must be >= 0, got {value}")
    return value


class Router:
    """Routes writes to the primary and reads to healthy replicas; fails over; backs up."""

    def __init__(self, primary: Node, replicas: Sequence[Node]) -> None:
        nodes = [primary, *replicas]
        for node in nodes:
            if not isinstance(node, Node) or not isinstance(node.connection, sqlite3.Connection):
                raise TypeError(f"expected Node objects holding sqlite3 connections, got {node!r}")
        names = [node.name for node in nodes]
        if len(set(names)) != len(names):
            raise ValueError(f"node names must be unique, got {names}")
        if not replicas:
            raise ValueError("at least one replica is needed to acknowledge writes")
        for node in nodes:
            node.connection.isolation_level = None  # we issue BEGIN/COMMIT ourselves
            node.connection.execute(_CREATE_LOG)
            node.healthy = True
        head = self._head(primary)
        for replica in replicas:
            if self._head(replica) > head:
                raise ValueError(f"replica {replica.name!r} is ahead of the primary: diverged")
        self._primary = primary
        self._replicas = list(replicas)
        self._next_read = 0

    # -- introspection -------------------------------------------------------------------

    @property
    def primary(self) -> str:
        return self._primary.name

    @property
    def replicas(self) -> list[str]:
        return [node.name for node in self._replicas]

    def applied(self) -> dict[str, int | None]:
        """The last applied sequence of every node, ``None`` for an unreachable one."""
        return {node.name: self._ping(node) for node in [self._primary, *self._replicas]}

    # -- health ----------------------------------------------------------------------------

    @staticmethod
    def _head(node: Node) -> int:
        return node.connection.execute(_HEAD).fetchone()[0]

    def _ping(self, node: Node) -> int | None:
        """The node's applied sequence, or ``None`` (and marked unhealthy) if it cannot answer."""
        try:
            head = self._head(node)
        except sqlite3.Error:  # closed, locked, corrupt: all mean "do not route here now"
            node.healthy = False
            return None
        node.healthy = True
        return head

    def check_health(self) -> dict[str, bool]:
        """Ping all nodes: re-admit recovered replicas, fence diverged ones, replace the primary."""
        primary_head = self._ping(self._primary)
        for replica in self._replicas:
            head = self._ping(replica)
            if head is not None and primary_head is not None and head > primary_head:
                replica.healthy = False  # holds writes the primary lost: re-seed it from a backup
        if primary_head is None and any(r.healthy for r in self._replicas):
            self.failover()
        return {node.name: node.healthy for node in [self._primary, *self._replicas]}

    def _live_primary(self) -> Node:
        if self._ping(self._primary) is None:
            self.failover()
        return self._primary

    def failover(self) -> str:
        """Promote the most up-to-date reachable replica and drop the old primary."""
        old = self._primary
        candidates = [(head, -i, node) for i, node in enumerate(self._replicas)
                      if (head := self._ping(node)) is not None]
        if not candidates:
            raise NoHealthyNode(f"primary {old.name!r} needs replacing but no replica is reachable")
        # Highest applied sequence wins: only it is guaranteed to hold every acknowledged write.
        _, _, best = max(candidates, key=lambda c: (c[0], c[1]))
        if self._ping(old) is not None:  # planned switchover: lose nothing at all
            self._ship(old, best, self._head(old))
        self._replicas.remove(best)
        old.healthy = False  # fenced: it may hold writes nobody acknowledged
        self._primary = best
        return best.name

    # -- replication ---------------------------------------------------------------------

    def _ship(self, source: Node, replica: Node, upto: int) -> int:
        """Apply ``source``'s log entries to ``replica`` up to ``upto``; return where it got to."""
        applied = self._ping(replica)
        if applied is None:
            return -1
        entries = source.connection.execute(
            f"SELECT seq, batch FROM {LOG_TABLE} WHERE seq > ? AND seq <= ? ORDER BY seq",
            (applied, upto),
        ).fetchall()
        conn = replica.connection
        for seq, batch in entries:
            try:
                conn.execute("BEGIN IMMEDIATE")
                for sql, params in json.loads(batch):
                    conn.execute(sql, params)
                conn.execute(f"INSERT INTO {LOG_TABLE} (seq, batch) VALUES (?, ?)", (seq, batch))
                conn.execute("COMMIT")
            except sqlite3.Error:
                # The statements already ran on the primary, so the fault is the node's.
                self._rollback(conn)
                replica.healthy = False
                return applied
            applied = seq
        return applied

    @staticmethod
    def _rollback(conn: sqlite3.Connection) -> None:
        try:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # a closed connection has nothing left to roll back

    def pump(self, upto: int | None = None) -> dict[str, int]:
        """Let every healthy replica apply the log up to ``upto`` (default: everything)."""
        head = self._head(self._live_primary())
        target = head if upto is None else min(_check_seq(upto, "upto"), head)
        shipped = {}
        for replica in self._replicas:
            if replica.healthy:
                applied = self._ship(self._primary, replica, target)
                if replica.healthy:  # not if it turned out unreachable, or failed on the way
                    shipped[replica.name] = applied
        return shipped

    # -- writes ----------------------------------------------------------------------------

    def write(self, sql: str, params: Params = ()) -> int:
        """Run one statement as a transaction; return its sequence number once acknowledged."""
        return self.transaction([(sql, params)])

    def transaction(self, statements: Sequence[Statement]) -> int:
        """Run statements all-or-nothing on the primary; acknowledge once a replica has them."""
        if isinstance(statements, str | bytes) or not isinstance(statements, Sequence):
            raise TypeError("statements must be a sequence of (sql, params) pairs")
        if not statements:
            raise ValueError("a transaction needs at least one statement")
        batch = []
        for statement in statements:
            if not isinstance(statement, tuple | list) or len(statement) != 2:
                raise TypeError(f"each statement must be a (sql, params) pair, got {statement!r}")
            batch.append(_normalise(*statement))
        encoded = json.dumps(batch, allow_nan=False)

        primary = self._live_primary()
        conn = primary.connection
        conn.set_authorizer(_deny_log_writes)
        try:
            conn.execute("BEGIN IMMEDIATE")
            for sql, params in batch:
                conn.execute(sql, params)
        except BaseException:
            self._rollback(conn)
            raise
        finally:
            conn.set_authorizer(None)
        try:
            seq = self._head(primary) + 1
            conn.execute(f"INSERT INTO {LOG_TABLE} (seq, batch) VALUES (?, ?)", (seq, encoded))
            conn.execute("COMMIT")
        except BaseException:
            self._rollback(conn)
            raise

        # Semi-synchronous replication: the most up-to-date replica has the least to catch up.
        replicas = sorted((r for r in self._replicas if r.healthy),
                          key=lambda r: -(self._ping(r) or 0))
        for replica in replicas:
            if self._ship(primary, replica, seq) >= seq:
                return seq
        raise WriteNotAcknowledged(
            seq, f"write #{seq} is on primary {primary.name!r} but no replica confirmed it"
        )

    # -- reads -----------------------------------------------------------------------------

    def read(self, sql: str, params: Params = (), *, min_seq: int = 0) -> list[tuple[Any, ...]]:
        """Run a query on a healthy replica that has applied ``min_seq`` (round robin)."""
        sql, params = _normalise(sql, params)
        min_seq = _check_seq(min_seq, "min_seq")
        healthy = [r for r in self._replicas if r.healthy]
        start = self._next_read
        self._next_read += 1
        for i in range(len(healthy)):
            replica = healthy[(start + i) % len(healthy)]
            applied = self._ping(replica)
            if applied is None or applied < min_seq:
                continue  # dead or stale for this session
            rows = self._query(replica, sql, params)
            if rows is not None:
                return rows
        # Every replica is down or behind: the primary has everything.
        primary_head = self._ping(self._primary)
        if primary_head is None:
            raise NoHealthyNode("neither a replica nor the primary can answer this read")
        if min_seq > primary_head:
            raise ValueError(f"min_seq {min_seq} is ahead of the primary (at {primary_head})")
        rows = self._query(self._primary, sql, params)
        if rows is None:
            raise NoHealthyNode("the primary failed while answering this read")
        return rows

    def _query(self, node: Node, sql: str, params: Params) -> list[tuple[Any, ...]] | None:
        """Rows, or ``None`` if the node died; a bad query on a live node raises."""
        conn = node.connection
        try:
            conn.execute("PRAGMA query_only = ON")  # a "read" must never change a replica
            try:
                return conn.execute(sql, params).fetchall()
            finally:
                conn.execute("PRAGMA query_only = OFF")
        except sqlite3.Error:
            if self._ping(node) is None:
                return None  # the node failed, not the query: try another one
            raise

    # -- backup and restore ------------------------------------------------------------------

    def backup(
        self,
        target: sqlite3.Connection,
        *,
        pages: int = -1,
        progress: Progress | None = None,
    ) -> None:
        """Copy the primary into ``target`` online, ``pages`` at a time.

        SQLite's backup API yields a consistent snapshot even while writes continue: a change
        made through the source connection is copied too, a change made by another connection
        restarts the copy.
        """
        if not isinstance(target, sqlite3.Connection):
            raise TypeError(f"target must be a sqlite3.Connection, got {type(target).__name__}")
        nodes = [self._primary, *self._replicas]
        if any(target is node.connection for node in nodes):
            raise ValueError("refusing to back up over a node of the cluster")
        primary = self._live_primary()  # the primary holds every acknowledged write
        primary.connection.backup(target, pages=pages, progress=progress)

    @classmethod
    def restore(cls, backup: sqlite3.Connection, primary: Node, replicas: Sequence[Node]) -> Router:
        """Seed a fresh cluster from ``backup``: every node starts identical, log included."""
        (verdict,) = backup.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            raise ValueError(f"the backup failed its integrity check: {verdict}")
        for node in [primary, *replicas]:
            backup.backup(node.connection)
        return cls(primary, replicas)
