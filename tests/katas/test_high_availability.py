"""Tests for the high_availability kata: replication, routing, failover and backups over SQLite."""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from high_availability import Node, NoHealthyNode, Router, WriteNotAcknowledged
from kata_support import call_raises, call_refuses, expect_raises

CREATE_KV = "CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL)"
PUT = "INSERT INTO kv (k, v) VALUES (?, ?)"
GET = "SELECT v FROM kv WHERE k = ?"
PUT_NAMED = "INSERT INTO kv (k, v) VALUES (:k, :v)"



class Cluster:
    """Test-owned SQLite files and connections, so a test can kill or lock a node from outside."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.connections: dict[str, sqlite3.Connection] = {}
        self.statements: dict[str, list[str]] = {}

    def node(self, name: str) -> Node:
        # timeout=0: a locked database fails at once instead of waiting five seconds
        conn = sqlite3.connect(self.directory / f"{name}.db", timeout=0)
        conn.execute("PRAGMA synchronous = OFF")  # no fsync: the suite tests logic, not disks
        self.connections[name] = conn
        self.statements[name] = seen = []
        conn.set_trace_callback(seen.append)
        return Node(name, conn)

    def router(self, replicas: int = 2) -> Router:
        return Router(self.node("primary"), [self.node(f"r{i}") for i in range(1, replicas + 1)])

    def kill(self, name: str) -> None:
        self.connections[name].close()

    def lock(self, name: str) -> sqlite3.Connection:
        """Another process holds an exclusive lock: the node can neither read nor write."""
        blocker = sqlite3.connect(self.directory / f"{name}.db", isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")
        self.connections[f"{name}-blocker"] = blocker
        return blocker

    def queries(self, name: str, needle: str = "FROM kv") -> int:
        """How many statements containing ``needle`` ran on node ``name``."""
        return sum(needle in sql for sql in self.statements[name])

    def rows(self, name: str) -> list[tuple[str, str]]:
        """Read a node's kv table directly, bypassing the router."""
        path = self.directory / f"{name}.db"
        with closing(sqlite3.connect(path)) as conn:
            try:
                return conn.execute("SELECT k, v FROM kv ORDER BY k").fetchall()
            except sqlite3.OperationalError:
                return []  # no table yet: nothing replicated

    def close(self) -> None:
        for conn in self.connections.values():
            conn.close()


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    c = Cluster(tmp_path)
    try:
        yield c
    finally:
        c.close()


def applied(router: Router) -> dict[str, int | None]:
    """router.applied(), checked to be a dict of node name -> int or None before a test uses it."""
    got = router.applied()
    ok = isinstance(got, dict) and all(
        isinstance(k, str) and (v is None or (isinstance(v, int) and not isinstance(v, bool)))
        for k, v in got.items()
    )
    if not ok:
        pytest.fail(f"router.applied() returned {got!r}; expected a dict mapping each node's name "
                    "to an int (0 for an empty log) or None (node unreachable)", pytrace=False)
    return got


def head(router: Router, name: str) -> int:
    """applied()[name] for a node the test knows is reachable."""
    got = applied(router)
    value = got.get(name)
    if value is None:
        pytest.fail(f"router.applied() returned {got!r}; expected an int for the reachable node "
                    f"{name!r}", pytrace=False)
    return value


@pytest.fixture
def router(cluster: Cluster) -> Router:
    r = cluster.router()
    r.write(CREATE_KV)
    r.pump()
    return r


# -- Task 1: writes, the replication log and pump() --------------------------------------


@pytest.mark.task(1)
def test_applied_is_zero_for_an_empty_log_and_none_for_a_dead_node(cluster: Cluster) -> None:
    router = cluster.router()
    got = applied(router)
    assert got == {"primary": 0, "r1": 0, "r2": 0}, (
        f"router.applied() on a new cluster returned {got!r}; expected every node at 0: MAX(seq) "
        "of an empty log is NULL, so use COALESCE(MAX(seq), 0)"
    )
    assert (router.primary, router.replicas) == ("primary", ["r1", "r2"]), (
        f"router.primary = {router.primary!r}, router.replicas = {router.replicas!r}; expected "
        "'primary' and ['r1', 'r2']"
    )
    got = router.read("SELECT 1")
    assert got == [(1,)], (
        f"router.read('SELECT 1') on a new cluster returned {got!r}; expected [(1,)]: without "
        "min_seq any replica may answer, even one at 0"
    )
    levels = {name: cluster.connections[name].isolation_level for name in ("primary", "r1", "r2")}
    assert levels == {"primary": None, "r1": None, "r2": None}, (
        f"after Router(...) the connections' isolation_level are {levels}; expected None on every "
        "node (autocommit: the router issues BEGIN and COMMIT itself)"
    )
    cluster.kill("r2")
    got = applied(router)
    assert got == {"primary": 0, "r1": 0, "r2": None}, (
        f"with r2's connection closed router.applied() returned {got!r}; expected r2: None"
    )


@pytest.mark.task(1)
def test_router_refuses_anything_but_nodes_holding_connections(cluster: Cluster) -> None:
    replica = cluster.node("r1")
    call_refuses(TypeError, Router, "primary", [replica])
    call_refuses(TypeError, Router, Node("primary", "primary.db"), [replica])
    call_refuses(TypeError, Router, cluster.node("primary"), ["r1"])


@pytest.mark.task(1)
def test_router_refuses_no_replicas_duplicate_names_and_a_replica_ahead(cluster: Cluster) -> None:
    call_refuses(ValueError, Router, cluster.node("alone"), [])
    twin = Node("twin", cluster.node("a").connection)
    call_refuses(ValueError, Router, twin, [Node("twin", cluster.node("b").connection)])
    router = cluster.router()
    router.write(CREATE_KV)
    router.pump()  # r1 is at 1 now
    ahead = Node("r1", cluster.connections["r1"])
    call_refuses(ValueError, Router, cluster.node("empty"), [ahead])


@pytest.mark.task(1)
def test_a_write_is_acknowledged_once_the_primary_and_one_replica_have_it(cluster: Cluster) -> None:
    router = cluster.router()
    first = router.write(CREATE_KV)
    second = router.write(PUT, ("a", "1"))
    assert (first, second) == (1, 2), f"two writes returned {(first, second)}; expected (1, 2)"
    got = applied(router)
    assert got["primary"] == 2, f"applied() = {got}; the primary should be at 2"
    replicas = sorted(got[name] or 0 for name in ("r1", "r2"))
    assert replicas[1] == 2, (
        f"applied() = {got} right after write() returned 2: an acknowledged write must "
        "already be on at least one replica"
    )


@pytest.mark.task(1)
def test_replication_lag_lasts_until_pump(cluster: Cluster) -> None:
    router = cluster.router()
    router.write(CREATE_KV)
    router.pump()
    for i in range(3):
        router.write(PUT, (f"k{i}", str(i)))
    before = applied(router)
    lagging = [name for name in ("r1", "r2") if (before[name] or 0) < 4]
    assert lagging, f"applied() = {before}; without pump() one replica should still lag"
    want = {name: max(3, before[name] or 0) for name in ("r1", "r2")}
    got = router.pump(upto=3)
    assert got == want, (
        f"with applied() = {before}, pump(upto=3) returned {got}; expected {want}: a lagging "
        "replica applies up to 3, one already past 3 stays where it is"
    )
    got = router.pump()
    assert got == {"r1": 4, "r2": 4}, f"pump() returned {got}; expected {{'r1': 4, 'r2': 4}}"
    for name in ("primary", "r1", "r2"):
        assert cluster.rows(name) == [("k0", "0"), ("k1", "1"), ("k2", "2")], (
            f"node {name!r} holds {cluster.rows(name)} after pump(); expected the three rows"
        )


@pytest.mark.task(1)
def test_a_failing_transaction_leaves_no_rows_and_no_log_entry(
    router: Router, cluster: Cluster
) -> None:
    router.write(PUT, ("a", "1"))
    call_raises(sqlite3.IntegrityError, router.transaction,
                [(PUT, ("b", "2")), (PUT, ("a", "duplicate key"))])
    assert cluster.rows("primary") == [("a", "1")], (
        f"after a failed transaction the primary holds {cluster.rows('primary')}; "
        "expected only [('a', '1')]: a transaction is all or nothing"
    )
    seq = router.write(PUT, ("c", "3"))
    assert seq == 3, f"the next write after a failed one returned seq {seq}; expected 3 (no gap)"
    router.pump()
    assert cluster.rows("r2") == [("a", "1"), ("c", "3")], f"r2 holds {cluster.rows('r2')}"


@pytest.mark.task(1)
def test_parameters_are_bound_and_replicated_verbatim(router: Router, cluster: Cluster) -> None:
    payload = "x'); DROP TABLE kv; --"
    router.write(PUT, (payload, "ünïcode ✓"))
    router.write("INSERT INTO kv (k, v) VALUES (:k, :v)", {"k": "named", "v": "ok"})
    router.pump()
    for name in ("primary", "r1", "r2"):
        assert cluster.rows(name) == [("named", "ok"), (payload, "ünïcode ✓")], (
            f"node {name!r} holds {cluster.rows(name)}; parameters must be bound, not pasted "
            "into the SQL, and replicated unchanged"
        )


@pytest.mark.task(1)
def test_float_int_none_and_str_values_are_replicated_exactly(
    router: Router, cluster: Cluster
) -> None:
    router.write("CREATE TABLE num (id INTEGER PRIMARY KEY, x REAL, n INTEGER, s TEXT)")
    row = (1, 1.5, -(2**53), None)
    router.write("INSERT INTO num (id, x, n, s) VALUES (?, ?, ?, ?)", row)
    router.write("INSERT INTO num (id, x, n, s) VALUES (:id, :x, :n, :s)",
                 {"id": 2, "x": -0.25, "n": 7, "s": "é"})
    router.pump()
    want = [(1, 1.5, -(2**53), None), (2, -0.25, 7, "é")]
    for name in ("primary", "r1", "r2"):
        got = cluster.connections[name].execute("SELECT * FROM num ORDER BY id").fetchall()
        assert got == want, (
            f"after writing the floats 1.5 and -0.25 (and an int, None, a str) node {name!r} "
            f"holds {got}; expected {want}: float is one of the allowed parameter types"
        )


@pytest.mark.task(1)
@pytest.mark.parametrize(
    ("bad", "error"),
    [(object(), TypeError), (b"bytes", TypeError), ([1, 2], TypeError), ({"nested": 1}, TypeError),
     (float("nan"), ValueError), (float("inf"), ValueError), (float("-inf"), ValueError)],
    ids=["object", "bytes", "list", "dict", "nan", "inf", "minus-inf"],
)
def test_values_that_cannot_be_replicated_are_rejected_before_anything_is_written(
    router: Router, cluster: Cluster, bad: object, error: type[Exception]
) -> None:
    call_refuses(error, router.write, PUT, ("k", bad))
    call_refuses(error, router.write, PUT_NAMED, {"k": "k", "v": bad})
    assert head(router, "primary") == 1, (
        f"write(PUT, ('k', {bad!r})) was rejected but applied() = {applied(router)}; nothing "
        "should reach the primary's log"
    )
    assert cluster.rows("primary") == [], f"the primary holds {cluster.rows('primary')}"


@pytest.mark.task(1)
@pytest.mark.parametrize(
    ("statements", "error"),
    [([], ValueError), ((), ValueError), ("INSERT 1", TypeError), (42, TypeError),
     ([("SELECT 1",)], TypeError), ([("SELECT 1", (), ())], TypeError), (["SELECT 1"], TypeError),
     ([(42, ())], TypeError), ([("", ())], TypeError), ([(PUT, "ab")], TypeError),
     ([(PUT, 7)], TypeError), ({(PUT, ("k", "v"))}, TypeError),
     ([deque([PUT, ("k", "v")])], TypeError), ([(PUT_NAMED, {"k": "k", 1: "v"})], TypeError)],
    ids=["empty-list", "empty-tuple", "a-str", "an-int", "one-item-pair", "three-item-pair",
         "bare-sql", "sql-not-str", "sql-empty", "params-a-str", "params-an-int", "a-set",
         "a-deque-pair", "named-key-not-str"],
)
def test_malformed_transactions_are_rejected_with_the_exact_error(
    router: Router, statements: object, error: type[Exception]
) -> None:
    call_refuses(error, router.transaction, statements)
    assert head(router, "primary") == 1, (
        f"transaction({statements!r}) was rejected but applied() = {applied(router)}"
    )


@pytest.mark.task(1)
def test_a_generator_of_statements_is_rejected(router: Router, cluster: Cluster) -> None:
    statements = ((PUT, (k, "v")) for k in ("a", "b"))
    call_refuses(TypeError, router.transaction, statements)
    assert cluster.rows("primary") == [], (
        f"transaction(<generator>) was rejected but the primary holds {cluster.rows('primary')}"
    )


@pytest.mark.task(1)
def test_an_error_raised_by_commit_rolls_back_too(cluster: Cluster) -> None:
    router = cluster.router()
    router.write("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
    router.write("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER "
                 "REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)")
    # A deferred foreign key is checked by COMMIT, not by the INSERT.
    cluster.connections["primary"].execute("PRAGMA foreign_keys = ON")
    orphan = "INSERT INTO child (parent_id) VALUES (?)"
    call_raises(sqlite3.IntegrityError, router.write, orphan, (99,))
    got = applied(router)
    assert got["primary"] == 2, (
        f"after COMMIT refused an orphan child, applied() = {got}; expected the primary still at "
        "2: when COMMIT fails SQLite keeps the transaction open, so roll it back"
    )
    seq = router.write("INSERT INTO parent (id) VALUES (?)", (99,))
    assert seq == 3, f"the next write after the failed COMMIT returned {seq}; expected 3"
    assert router.write(orphan, (99,)) == 4


@pytest.mark.task(1)
def test_a_write_cannot_tamper_with_the_replication_log(router: Router, cluster: Cluster) -> None:
    router.write(PUT, ("a", "1"))
    call_raises(sqlite3.DatabaseError, router.write, "DELETE FROM _ha_log")
    assert head(router, "primary") == 2, (
        f"after write('DELETE FROM _ha_log') applied() = {applied(router)}; the log must stay "
        "untouched (expected the primary still at 2)"
    )


@pytest.mark.task(1)
def test_a_write_no_replica_confirms_raises_write_not_acknowledged(
    router: Router, cluster: Cluster
) -> None:
    cluster.kill("r1")
    cluster.kill("r2")
    error = call_refuses(WriteNotAcknowledged, router.write, PUT, ("a", "1"))
    assert error.seq == 2, f"WriteNotAcknowledged.seq was {error.seq!r}; expected 2"


@pytest.mark.task(1)
def test_pump_leaves_out_a_replica_that_turned_out_unreachable(
    router: Router, cluster: Cluster
) -> None:
    cluster.kill("r2")  # nothing has pinged r2 since: the router still thinks it is healthy
    got = router.pump()
    assert got == {"r1": 1}, (
        f"with r2's connection closed, pump() returned {got}; expected {{'r1': 1}}: a replica "
        "found unreachable on the way is marked unhealthy and left out"
    )


@pytest.mark.task(1)
def test_a_replica_that_fails_to_apply_an_entry_rolls_it_back_and_is_skipped(
    router: Router, cluster: Cluster
) -> None:
    # Another process reads r1: r1 can start a write, but its COMMIT finds the file busy.
    reader = sqlite3.connect(cluster.directory / "r1.db", isolation_level=None, timeout=0)
    cluster.connections["r1-reader"] = reader
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM kv").fetchall()
    seq = router.write(PUT, ("a", "1"))
    got = router.pump()
    assert got == {"r2": seq}, (
        f"while r1 could not commit, pump() returned {got}; expected {{'r2': {seq}}}: r1 failed "
        "to apply the entry, so it is unhealthy and left out"
    )
    for _ in range(2):
        assert router.read(GET, ("a",)) == [("1",)]
    on_r1 = cluster.queries("r1", "FROM kv WHERE")
    assert on_r1 == 0, f"{on_r1} read(s) went to r1 after it failed to apply an entry; expected 0"
    reader.rollback()
    assert router.check_health()["r1"] is True, "check_health() did not re-admit r1"
    got = applied(router)
    assert got["r1"] == seq - 1, (
        f"after r1 failed to commit entry {seq}, applied() = {got}; expected r1 at {seq - 1}: "
        "roll the failed entry back (its log entry too)"
    )
    got = router.pump()
    assert got == {"r1": seq, "r2": seq}, f"pump() returned {got}; expected both at {seq}"
    assert cluster.rows("r1") == [("a", "1")], f"r1 holds {cluster.rows('r1')}"


# -- Task 2: reads go to healthy replicas ------------------------------------------------


@pytest.mark.task(2)
def test_reads_are_spread_round_robin_over_the_replicas(cluster: Cluster) -> None:
    router = cluster.router(replicas=3)
    router.write(CREATE_KV)
    router.write(PUT, ("a", "1"))
    router.pump()
    for _ in range(6):
        assert router.read(GET, ("a",)) == [("1",)]
    names = ("primary", "r1", "r2", "r3")
    counts = {name: cluster.queries(name, "FROM kv WHERE") for name in names}
    assert counts == {"primary": 0, "r1": 2, "r2": 2, "r3": 2}, (
        f"6 reads over 3 healthy replicas ran on {counts}; expected 2 on each replica and none "
        "on the primary"
    )


@pytest.mark.task(2)
def test_reads_alternate_between_two_replicas(router: Router, cluster: Cluster) -> None:
    router.write(PUT, ("a", "1"))
    router.pump()
    for _ in range(4):
        assert router.read(GET, ("a",)) == [("1",)]
    counts = {name: cluster.queries(name, "FROM kv WHERE") for name in ("primary", "r1", "r2")}
    assert counts == {"primary": 0, "r1": 2, "r2": 2}, (
        f"4 reads over 2 healthy replicas ran on {counts}; expected 2 on each replica"
    )


@pytest.mark.task(2)
def test_reads_keep_working_when_a_replica_dies(cluster: Cluster) -> None:
    router = cluster.router(replicas=3)
    router.write(CREATE_KV)
    router.write(PUT, ("a", "1"))
    router.pump()
    cluster.kill("r2")
    for i in range(6):
        got = router.read(GET, ("a",))
        assert got == [("1",)], f"read #{i} after r2 died returned {got!r}; expected [('1',)]"
    counts = {name: cluster.queries(name, "FROM kv WHERE") for name in ("primary", "r1", "r3")}
    assert counts["primary"] == 0 and counts["r1"] >= 2 and counts["r3"] >= 2, (
        f"with r2 dead, 6 reads ran on {counts}; expected them spread over r1 and r3"
    )


@pytest.mark.task(2)
def test_reads_fall_back_to_the_primary_and_then_fail_clearly(
    router: Router, cluster: Cluster
) -> None:
    router.write(PUT, ("a", "1"))
    cluster.kill("r1")
    cluster.kill("r2")
    got = router.read(GET, ("a",))
    assert got == [("1",)], f"with every replica dead read() returned {got!r}; expected the primary"
    cluster.kill("primary")
    call_refuses(NoHealthyNode, router.read, GET, ("a",))


@pytest.mark.task(2)
def test_a_primary_that_fails_while_answering_raises_no_healthy_node(
    router: Router, cluster: Cluster
) -> None:
    router.write(PUT, ("a", "1"))
    cluster.kill("r1")
    cluster.kill("r2")
    blocker = sqlite3.connect(cluster.directory / "primary.db", isolation_level=None, timeout=0)
    cluster.connections["primary-blocker"] = blocker

    def lock_when_the_read_starts(sql: str) -> None:
        # Another process locks the primary the moment the read begins: it dies mid-answer.
        if "FROM kv WHERE" in sql and not blocker.in_transaction:
            blocker.execute("BEGIN EXCLUSIVE")

    cluster.connections["primary"].set_trace_callback(lock_when_the_read_starts)
    call_refuses(NoHealthyNode, router.read, GET, ("a",))


@pytest.mark.task(2)
def test_a_bad_query_raises_and_does_not_mark_a_replica_unhealthy(
    router: Router, cluster: Cluster
) -> None:
    call_raises(sqlite3.OperationalError, router.read, "SELECT nope FROM missing_table")
    health = router.check_health()
    assert health == {"primary": True, "r1": True, "r2": True}, (
        f"after one bad query check_health() = {health}; a broken query is the caller's fault, "
        "not the node's"
    )


@pytest.mark.task(2)
@pytest.mark.parametrize(
    "sql",
    ["DELETE FROM kv", "SELECT 1; DROP TABLE kv", "UPDATE kv SET v = 'pwned'"],
    ids=["delete", "stacked-drop", "update"],
)
def test_a_read_can_never_change_a_replica(router: Router, cluster: Cluster, sql: str) -> None:
    router.write(PUT, ("a", "1"))
    router.pump()
    with expect_raises(sqlite3.Error, f"router.read({sql!r}) three times"):
        for _ in range(3):
            router.read(sql)
    for name in ("r1", "r2"):
        assert cluster.rows(name) == [("a", "1")], (
            f"read({sql!r}) changed replica {name!r}: it now holds {cluster.rows(name)}"
        )


# -- Task 3: read-your-writes --------------------------------------------------------------


@pytest.mark.task(3)
def test_a_read_with_the_write_sequence_always_sees_the_write(
    router: Router, cluster: Cluster
) -> None:
    for i in range(4):
        seq = router.write(PUT, (f"k{i}", str(i)))
        for attempt in range(3):
            got = router.read(GET, (f"k{i}",), min_seq=seq)
            assert got == [(str(i),)], (
                f"read(GET, ('k{i}',), min_seq={seq}) attempt {attempt} returned {got!r}: a "
                "session must read its own write (skip replicas that have not applied it)"
            )
    on_primary = cluster.queries("primary", "FROM kv WHERE")
    assert on_primary == 0, (
        f"{on_primary} of the reads with min_seq went to the primary; expected 0: the replica "
        "that acknowledged each write has applied exactly min_seq, so it may answer"
    )


@pytest.mark.task(3)
def test_read_your_writes_falls_back_to_the_primary_when_no_replica_caught_up(
    router: Router, cluster: Cluster
) -> None:
    seq = router.write(PUT, ("a", "1"))
    synced = max(("r1", "r2"), key=lambda n: applied(router)[n] or 0)
    cluster.kill(synced)
    got = router.read(GET, ("a",), min_seq=seq)
    assert got == [("1",)], (
        f"the only replica with write #{seq} died; read(min_seq={seq}) returned {got!r}; "
        "expected the primary to answer"
    )


@pytest.mark.task(3)
def test_min_seq_at_the_primarys_sequence_is_served_and_one_past_it_is_a_value_error(
    router: Router, cluster: Cluster
) -> None:
    seq = router.write(PUT, ("a", "1"))
    got = router.read(GET, ("a",), min_seq=seq)
    assert got == [("1",)], f"read(GET, ('a',), min_seq={seq}) returned {got!r}; expected [('1',)]"
    call_refuses(ValueError, router.read, GET, ("a",), min_seq=seq + 1)
    cluster.kill("r1")
    cluster.kill("r2")  # now only the primary can answer, and it is exactly at seq
    got = router.read(GET, ("a",), min_seq=seq)
    assert got == [("1",)], (
        f"with both replicas dead read(GET, ('a',), min_seq={seq}) returned {got!r}; the primary "
        f"is at {seq}, so it has the write and must answer"
    )
    call_refuses(ValueError, router.read, GET, ("a",), min_seq=seq + 1)


@pytest.mark.task(3)
@pytest.mark.parametrize(
    ("min_seq", "error"),
    [(10**9, ValueError), (-1, ValueError), ("1", TypeError), (1.0, TypeError), (True, TypeError)],
    ids=["far-ahead", "negative", "str", "float", "bool"],
)
def test_bad_min_seq_values_are_rejected(
    router: Router, min_seq: object, error: type[Exception]
) -> None:
    call_refuses(error, router.read, GET, ("a",), min_seq=min_seq)


# -- Task 4: failover -----------------------------------------------------------------------


@pytest.mark.task(4)
def test_no_acknowledged_write_is_lost_when_the_primary_dies(
    router: Router, cluster: Cluster
) -> None:
    seqs = [router.write(PUT, (f"k{i}", str(i))) for i in range(3)]
    cluster.kill("primary")
    after = router.write(PUT, ("k3", "3"))  # the router notices and fails over by itself
    assert router.primary in {"r1", "r2"}, f"router.primary is {router.primary!r} after failover"
    assert after == seqs[-1] + 1, (
        f"the first write after failover got seq {after}; expected {seqs[-1] + 1}"
    )
    router.pump()
    want = [("k0", "0"), ("k1", "1"), ("k2", "2"), ("k3", "3")]
    for name in ("r1", "r2"):
        assert cluster.rows(name) == want, (
            f"after the primary died node {name!r} holds {cluster.rows(name)}; expected {want}: "
            "every acknowledged write must survive a failover"
        )


@pytest.mark.task(4)
def test_failover_promotes_the_most_up_to_date_replica(router: Router, cluster: Cluster) -> None:
    blocker = cluster.lock("r1")  # r1 is unreachable for a while...
    seq = router.write(PUT, ("a", "1"))  # ...so only r2 can acknowledge this write
    blocker.rollback()
    health = router.check_health()
    assert health == {"primary": True, "r1": True, "r2": True}, (
        f"check_health() = {health}; r1 recovered and must be re-admitted"
    )
    before = applied(router)
    assert (before["r1"], before["r2"]) == (1, 2), f"applied() = {before}; expected r1 1, r2 2"
    cluster.kill("primary")
    promoted = router.failover()
    assert promoted == "r2", (
        f"failover() promoted {promoted!r} with applied() = {before}; expected 'r2', the replica "
        "with the highest applied sequence"
    )
    assert (router.primary, router.replicas) == ("r2", ["r1"]), (
        f"after failover() router.primary = {router.primary!r}, router.replicas = "
        f"{router.replicas!r}; expected 'r2' and ['r1'] (the old primary leaves the cluster)"
    )
    got = router.read(GET, ("a",), min_seq=seq)
    assert got == [("1",)], f"after failover read(min_seq={seq}) returned {got!r}"


@pytest.mark.task(4)
def test_failover_between_equally_up_to_date_replicas_promotes_the_first(
    router: Router, cluster: Cluster
) -> None:
    router.write(PUT, ("a", "1"))
    router.pump()
    cluster.kill("primary")
    promoted = router.failover()
    assert promoted == "r1", (
        f"with r1 and r2 both at {applied(router).get('r1')}, failover() promoted {promoted!r}; "
        "expected 'r1' (ties: the first in order)"
    )


@pytest.mark.task(4)
def test_check_health_reports_a_replica_ahead_of_the_new_primary_as_diverged(
    router: Router, cluster: Cluster
) -> None:
    blocker = cluster.lock("r2")
    router.write(PUT, ("a", "1"))  # r2 is locked, so r1 acknowledges write 2
    blocker.rollback()
    blocker = cluster.lock("r1")  # now r1 is unreachable and the primary dies
    cluster.kill("primary")
    promoted = router.failover()
    assert promoted == "r2", f"failover() promoted {promoted!r}; only r2 was reachable"
    blocker.rollback()
    health = router.check_health()
    assert health == {"r2": True, "r1": False}, (
        f"r1 is back at seq 2, the new primary r2 at 1; check_health() returned {health}; "
        "expected r1 unhealthy: its log is ahead of the primary's, so it has diverged"
    )


@pytest.mark.task(4)
def test_an_unreachable_replica_is_skipped_and_readmitted(router: Router, cluster: Cluster) -> None:
    router.write(PUT, ("a", "1"))
    router.pump()
    blocker = cluster.lock("r2")
    for _ in range(4):
        assert router.read(GET, ("a",)) == [("1",)]
    assert router.check_health()["r2"] is False, "check_health() reported the locked r2 as healthy"
    blocker.rollback()
    assert router.check_health()["r2"] is True, "check_health() did not re-admit r2 once unlocked"
    router.write(PUT, ("b", "2"))
    router.pump()
    assert cluster.rows("r2") == [("a", "1"), ("b", "2")], f"r2 holds {cluster.rows('r2')}"


@pytest.mark.task(4)
def test_check_health_fails_over_a_dead_primary_by_itself(router: Router, cluster: Cluster) -> None:
    seq = router.write(PUT, ("a", "1"))
    cluster.kill("primary")
    health = router.check_health()
    assert router.primary in {"r1", "r2"}, (
        f"the primary's connection is closed; after check_health() (which returned {health}) "
        f"router.primary is still {router.primary!r}: check_health() must fail over by itself"
    )
    assert health.get(router.primary) is True, (
        f"check_health() returned {health}; expected the new primary {router.primary!r} healthy"
    )
    got = router.read(GET, ("a",), min_seq=seq)
    assert got == [("1",)], f"after the failover read(min_seq={seq}) returned {got!r}"


@pytest.mark.task(4)
def test_failover_without_a_reachable_replica_raises_no_healthy_node(
    router: Router, cluster: Cluster
) -> None:
    for name in ("primary", "r1", "r2"):
        cluster.kill(name)
    call_refuses(NoHealthyNode, router.failover)
    call_refuses(NoHealthyNode, router.write, PUT, ("a", "1"))


# -- Task 5: online backup and restore -----------------------------------------------------

ACCOUNTS = "CREATE TABLE account (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)"
PADDING = "CREATE TABLE padding (id INTEGER PRIMARY KEY, filler TEXT NOT NULL)"


@pytest.fixture
def bank(router: Router) -> Router:
    router.write(ACCOUNTS)
    router.write(PADDING)
    router.transaction([("INSERT INTO account VALUES (?, ?)", (i, 100)) for i in range(1, 11)])
    # enough pages that a one-page-at-a-time backup takes many steps
    router.transaction([("INSERT INTO padding (filler) VALUES (?)", ("x" * 3000,))] * 60)
    return router


def transfer(router: Router, src: int, dst: int, amount: int) -> int:
    return router.transaction([
        ("UPDATE account SET balance = balance - ? WHERE id = ?", (amount, src)),
        ("UPDATE account SET balance = balance + ? WHERE id = ?", (amount, dst)),
    ])


@pytest.mark.task(5)
def test_an_online_backup_taken_during_writes_is_a_consistent_snapshot(bank: Router) -> None:
    steps: list[int] = []

    def progress(status: int, remaining: int, total: int) -> None:
        steps.append(remaining)
        if len(steps) <= 4:  # the application keeps writing while the backup runs
            transfer(bank, 1, 2, 7)

    target = sqlite3.connect(":memory:")
    try:
        bank.backup(target, pages=1, progress=progress)
        assert len(steps) > 4, (
            f"backup(pages=1, progress=...) called progress {len(steps)} times; it must copy "
            "a page at a time through sqlite3's Connection.backup and report each step"
        )
        (check,) = target.execute("PRAGMA integrity_check").fetchone()
        assert check == "ok", f"the backup failed PRAGMA integrity_check: {check!r}"
        total, one, two = target.execute(
            "SELECT SUM(balance), (SELECT balance FROM account WHERE id = 1),"
            " (SELECT balance FROM account WHERE id = 2) FROM account"
        ).fetchone()
        assert total == 1000, f"the backup's balances sum to {total}; expected 1000 (torn transfer)"
        (head,) = target.execute("SELECT MAX(seq) FROM _ha_log").fetchone()
        moved = 100 - one
        assert moved == two - 100 and moved == 7 * (head - 5), (
            f"the backup holds log entries up to {head} but account 1 = {one}, account 2 = {two}: "
            "data and replication log must come from the same snapshot"
        )
        assert head == (primary := applied(bank)["primary"]), (
            f"the backup ends at seq {head}, the primary at {primary}: every "
            "write committed before the backup finished must be in it"
        )
    finally:
        target.close()


@pytest.mark.task(5)
def test_a_backup_holds_every_acknowledged_write(bank: Router) -> None:
    seq = transfer(bank, 3, 4, 50)  # acknowledged, but one replica has not applied it yet
    target = sqlite3.connect(":memory:")
    try:
        bank.backup(target)
        (head,) = target.execute("SELECT MAX(seq) FROM _ha_log").fetchone()
        (balance,) = target.execute("SELECT balance FROM account WHERE id = 4").fetchone()
        assert (head, balance) == (seq, 150), (
            f"the backup ends at seq {head} with account 4 = {balance}; expected seq {seq} and "
            "150: back up a node that holds every acknowledged write"
        )
    finally:
        target.close()


@pytest.mark.task(5)
def test_restore_seeds_a_cluster_that_continues_the_sequence(
    bank: Router, tmp_path: Path
) -> None:
    seq = transfer(bank, 5, 6, 25)
    target = sqlite3.connect(":memory:")
    fresh = Cluster(tmp_path / "restored")
    fresh.directory.mkdir()
    try:
        bank.backup(target)
        replicas = [fresh.node("r1"), fresh.node("r2")]
        restored = Router.restore(target, fresh.node("primary"), replicas)
        got = applied(restored)
        assert got == {"primary": seq, "r1": seq, "r2": seq}, (
            f"after restore applied() = {got}; expected every node at {seq}"
        )
        got = restored.read("SELECT balance FROM account WHERE id = 6")
        assert got == [(125,)], f"reading account 6 from the restored cluster returned {got!r}"
        after = transfer(restored, 6, 5, 25)
        assert after == seq + 1, f"the first write after restore got seq {after}, not {seq + 1}"
    finally:
        target.close()
        fresh.close()


@pytest.mark.task(5)
def test_backing_up_over_a_cluster_node_is_refused(bank: Router, cluster: Cluster) -> None:
    bank.pump()
    before = cluster.connections["r1"].execute("SELECT COUNT(*) FROM account").fetchone()
    call_refuses(ValueError, bank.backup, cluster.connections["r1"])
    after = cluster.connections["r1"].execute("SELECT COUNT(*) FROM account").fetchone()
    assert before == after == (10,), f"r1 had {before} accounts, now {after}"
    call_refuses(TypeError, bank.backup, "backup.db")


def corrupt_database(path: Path) -> sqlite3.Connection:
    """A database that opens but fails PRAGMA integrity_check (an index that lies)."""
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("CREATE TABLE t (a INTEGER)")
        conn.execute("CREATE INDEX t_a ON t (a)")
        conn.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(10)])
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX t_a ON t (a DESC)' "
                     "WHERE name = 't_a'")
    return sqlite3.connect(path)


@pytest.mark.task(5)
def test_restore_refuses_a_backup_that_fails_its_integrity_check(tmp_path: Path) -> None:
    backup = corrupt_database(tmp_path / "corrupt.db")
    fresh = Cluster(tmp_path / "restored")
    fresh.directory.mkdir()
    try:
        (verdict,) = backup.execute("PRAGMA integrity_check").fetchone()
        assert verdict != "ok", "the test's corrupt backup passed integrity_check"
        call_refuses(ValueError, Router.restore, backup, fresh.node("primary"), [fresh.node("r1")])
        assert fresh.rows("primary") == [] and not fresh.connections["primary"].execute(
            "SELECT name FROM sqlite_master WHERE name = 't'").fetchall(), (
            "Router.restore refused the backup but copied it onto the primary first"
        )
    finally:
        backup.close()
        fresh.close()
