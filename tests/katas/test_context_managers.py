"""Tests for the context_managers kata: cleanup on every exit path, errors never swallowed by
accident."""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import logging
import os
import sqlite3
import stat
import uuid

import pytest
from context_managers import (
    Pool,
    Timer,
    atomic_write,
    open_all,
    suppress_and_log,
    temporary_env,
    transaction,
)
from kata_support import call_refuses, expect_raises


@contextlib.contextmanager
def refused(expected, call: str):
    """``expect_raises``, and the error must say what was wrong: a bare ``TypeError()`` does not."""
    with expect_raises(expected, call) as info:
        yield info
    assert str(info.value).strip(), (
        f"{call} raised {type(info.value).__name__}() with an empty message; say what was wrong"
    )


def fake_clock(*readings: float):
    values = iter(readings)
    return lambda: next(values)


# --- Task 1: Timer --------------------------------------------------------------------------------


@pytest.mark.task(1)
def test_timer_returns_itself_and_measures_the_block_with_the_injected_clock():
    timer = Timer(clock=fake_clock(10.0, 12.5))
    assert timer.elapsed is None, f"Timer().elapsed is {timer.elapsed!r} before use; expected None"
    with timer as entered:
        assert entered is timer, f"`with Timer() as t` bound {entered!r}; expected the Timer itself"
        assert timer.elapsed is None, "elapsed should stay None until the block ends"
    assert timer.elapsed == 2.5, (
        f"clock read 10.0 then 12.5; elapsed is {timer.elapsed!r}, expected 2.5"
    )


@pytest.mark.task(1)
def test_timer_records_elapsed_time_on_error_and_does_not_swallow_the_error():
    timer = Timer(clock=fake_clock(1.0, 4.0))
    boom = ValueError("boom")
    with expect_raises(ValueError, "with Timer(): raise ValueError('boom')") as info, timer:
        raise boom
    assert info.value is boom, "the block's own exception must come out of the with statement"
    assert timer.elapsed == 3.0, f"after an error elapsed is {timer.elapsed!r}; expected 3.0"


@pytest.mark.task(1)
def test_timer_can_be_reused_and_measures_each_block_separately():
    timer = Timer(clock=fake_clock(0.0, 1.0, 5.0, 5.25))
    with timer:
        pass
    with timer:
        pass
    assert timer.elapsed == 0.25, f"second use measured {timer.elapsed!r}; expected 0.25"


# --- Task 2: temporary_env ------------------------------------------------------------------------


@pytest.fixture
def env(monkeypatch):
    """Three unique variable names: CHANGED and DELETED exist beforehand, ADDED does not."""
    suffix = uuid.uuid4().hex[:8].upper()
    names = {k: f"KATA_CM_{k}_{suffix}" for k in ("CHANGED", "DELETED", "ADDED")}
    monkeypatch.setenv(names["CHANGED"], "old")
    monkeypatch.setenv(names["DELETED"], "keep-me")
    monkeypatch.delenv(names["ADDED"], raising=False)
    yield names
    for name in names.values():  # monkeypatch restores the others; make sure ADDED is gone
        os.environ.pop(name, None)


def snapshot(names):
    return {k: os.environ.get(v) for k, v in names.items()}


@pytest.mark.task(2)
def test_temporary_env_changes_deletes_and_adds_then_restores_all_three(env):
    before = snapshot(env)
    with temporary_env(**{env["CHANGED"]: "new", env["DELETED"]: None, env["ADDED"]: "fresh"}):
        inside = snapshot(env)
    assert inside == {"CHANGED": "new", "DELETED": None, "ADDED": "fresh"}, (
        f"inside the block the variables were {inside!r}"
    )
    after = snapshot(env)
    assert after == before, (
        f"after the block the variables are {after!r}; expected {before!r} - a variable that did "
        "not exist before must be deleted again, not left set or set to ''"
    )
    assert env["ADDED"] not in os.environ


@pytest.mark.task(2)
def test_temporary_env_restores_when_the_block_raises(env):
    before = snapshot(env)
    changes = {env["CHANGED"]: "x", env["ADDED"]: "y", env["DELETED"]: None}
    with (
        expect_raises(KeyError, "with temporary_env(...): raise KeyError"),
        temporary_env(**changes),
    ):
        raise KeyError("inside")
    assert snapshot(env) == before, f"after an error the variables are {snapshot(env)!r}"


@pytest.mark.task(2)
@pytest.mark.parametrize(
    ("bad", "error"),
    [(42, TypeError), (b"bytes", TypeError), ("nul\0byte", ValueError)],
    ids=["int", "bytes", "nul"],
)
def test_temporary_env_rejects_bad_values_before_changing_anything(env, bad, error):
    before = snapshot(env)
    changes = {env["CHANGED"]: "changed-first", env["ADDED"]: bad}
    call = f"temporary_env(CHANGED='changed-first', ADDED={bad!r})"
    with refused(error, call), temporary_env(**changes):
        pytest.fail(f"the block of {call} ran although a value was invalid")
    assert snapshot(env) == before, f"{call} raised but left the environment as {snapshot(env)!r}"


@pytest.mark.task(2)
@pytest.mark.parametrize(
    "name", ["A=B", "", "A\0B"], ids=["equals-sign", "empty-name", "nul-in-name"]
)
@pytest.mark.parametrize("value", ["1", None], ids=["set", "delete"])
def test_temporary_env_rejects_a_bad_name_before_changing_anything(env, name, value):
    before = snapshot(env)
    changes = {env["CHANGED"]: "changed-first", name: value}
    call = f"temporary_env(CHANGED='changed-first', **{{{name!r}: {value!r}}})"
    with refused(ValueError, call), temporary_env(**changes):
        pytest.fail(f"the block of {call} ran with an invalid name")
    assert snapshot(env) == before, f"{call} raised but left the environment as {snapshot(env)!r}"


# --- Task 3: transaction --------------------------------------------------------------------------


def open_bank(path, **kwargs) -> sqlite3.Connection:
    conn = sqlite3.connect(path, **kwargs)
    conn.execute(
        "CREATE TABLE IF NOT EXISTS accounts "
        "(name TEXT PRIMARY KEY, balance INTEGER NOT NULL CHECK (balance >= 0))"
    )
    conn.execute("INSERT OR IGNORE INTO accounts VALUES ('alice', 100), ('bob', 0)")
    conn.commit()
    return conn


@pytest.fixture(params=["default", "autocommit"])
def bank(request, tmp_path):
    """A connection in sqlite3's default mode, and one in autocommit mode (isolation_level=None)."""
    path = tmp_path / "bank.db"
    kwargs = {"isolation_level": None} if request.param == "autocommit" else {}
    conn = open_bank(path, **kwargs)
    yield conn, path
    conn.close()


def balances(path) -> dict[str, int]:
    """Read through a second connection: only committed data is visible there."""
    other = sqlite3.connect(path)
    try:
        return dict(other.execute("SELECT name, balance FROM accounts ORDER BY name"))
    finally:
        other.close()


def transfer(conn, amount):
    conn.execute("UPDATE accounts SET balance = balance + ? WHERE name = 'bob'", (amount,))
    conn.execute("UPDATE accounts SET balance = balance - ? WHERE name = 'alice'", (amount,))


@pytest.mark.task(3)
def test_transaction_commits_when_the_block_succeeds(bank):
    conn, path = bank
    with transaction(conn) as inside:
        assert inside is conn, "`with transaction(conn) as c` should bind the connection"
        transfer(conn, 30)
    assert balances(path) == {"alice": 70, "bob": 30}, (
        f"after a successful block another connection sees {balances(path)!r}; "
        "expected the transfer committed"
    )


@pytest.mark.task(3)
def test_transaction_rolls_back_every_statement_and_reraises_the_database_error(bank):
    conn, path = bank
    call = "with transaction(conn): transfer 500 from alice (who has 100)"
    with expect_raises(sqlite3.IntegrityError, call), transaction(conn):
        transfer(conn, 500)  # bob is credited first, then alice's CHECK fails
    assert balances(path) == {"alice": 100, "bob": 0}, (
        f"after a failed transfer the balances are {balances(path)!r}; the credit to bob must be "
        "rolled back too (in autocommit mode `with conn:` commits each statement on its own)"
    )
    assert not conn.in_transaction, "the connection was left inside an open transaction"


@pytest.mark.task(3)
def test_transaction_rolls_back_on_a_python_error_and_on_base_exceptions(bank):
    conn, path = bank

    class Abort(BaseException):
        pass

    for error in (ValueError("not the database"), Abort()):
        call = f"with transaction(conn): transfer 10, then raise {error!r}"
        with expect_raises(type(error), call) as info, transaction(conn):
            transfer(conn, 10)
            raise error
        assert info.value is error, f"transaction re-raised {info.value!r}, not the original"
        assert balances(path) == {"alice": 100, "bob": 0}, (
            f"after {error!r} the balances are {balances(path)!r}; expected a rollback"
        )
        assert not conn.in_transaction, f"after {error!r} the transaction was left open"


@pytest.mark.task(3)
def test_a_nested_transaction_undoes_only_the_inner_block(bank):
    conn, path = bank
    with transaction(conn):
        transfer(conn, 10)
        inner = "an inner `with transaction(conn):` raising ZeroDivisionError"
        with expect_raises(ZeroDivisionError, inner), transaction(conn):
            transfer(conn, 20)
            _ = 1 / 0
        transfer(conn, 5)
    assert balances(path) == {"alice": 85, "bob": 15}, (
        f"outer transfers 10 and 5 with a failed inner 20 gave {balances(path)!r}; "
        "expected {'alice': 85, 'bob': 15} (use a SAVEPOINT for the inner block)"
    )


@pytest.mark.task(3)
def test_transaction_rolls_back_when_the_commit_itself_fails(bank):
    conn, path = bank
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY, account TEXT "
        "REFERENCES accounts (name) DEFERRABLE INITIALLY DEFERRED)"
    )
    if conn.in_transaction:
        conn.commit()
    call = "with transaction(conn): a deferred foreign key that fails only at COMMIT"
    with expect_raises(sqlite3.IntegrityError, call), transaction(conn):
        transfer(conn, 10)
        conn.execute("INSERT INTO audit (account) VALUES ('nobody')")  # checked at COMMIT
    assert not conn.in_transaction, (
        "COMMIT failed (deferred foreign key) and the connection was left inside the open "
        "transaction: roll back when commit() raises, then re-raise"
    )
    assert balances(path) == {"alice": 100, "bob": 0}, (
        f"after the failed COMMIT the balances are {balances(path)!r}; expected no change"
    )
    with transaction(conn):
        transfer(conn, 1)
    assert balances(path) == {"alice": 99, "bob": 1}, (
        f"a transaction after the failed COMMIT left the balances at {balances(path)!r}"
    )


# --- Task 4: suppress_and_log ---------------------------------------------------------------------


@pytest.fixture
def logger(caplog):
    caplog.set_level(logging.DEBUG, logger="kata.tests.suppress")
    return logging.getLogger("kata.tests.suppress")


@pytest.mark.task(4)
def test_suppress_and_log_suppresses_listed_types_and_subclasses_and_logs_them(logger, caplog):
    with suppress_and_log(KeyError, ValueError, logger=logger):
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "bad byte")  # a ValueError subclass
    with suppress_and_log(KeyError, ValueError, logger=logger):
        raise KeyError("missing")
    records = [r for r in caplog.records if r.name == logger.name]
    assert len(records) == 2, f"expected 2 log records for 2 suppressed errors, got {len(records)}"
    for record, kind in zip(records, ("UnicodeDecodeError", "KeyError"), strict=True):
        assert record.levelno >= logging.WARNING, (
            f"logged at {record.levelname}; expected WARNING or higher"
        )
        assert record.exc_info and record.exc_info[0].__name__ == kind, (
            f"the record for {kind} carries exc_info={record.exc_info!r}; log it with its traceback"
        )


@pytest.mark.task(4)
def test_suppress_and_log_lets_other_exceptions_through_unlogged(logger, caplog):
    call = "with suppress_and_log(KeyError): raise TypeError"
    with expect_raises(TypeError, call), suppress_and_log(KeyError, logger=logger):
        raise TypeError("not listed")

    class Interrupt(BaseException):
        pass

    call = "with suppress_and_log(Exception): raise Interrupt()  # a BaseException"
    with expect_raises(Interrupt, call), suppress_and_log(Exception, logger=logger):
        raise Interrupt()
    with suppress_and_log(KeyError, logger=logger):
        pass
    assert [r for r in caplog.records if r.name == logger.name] == [], (
        "nothing was suppressed, so nothing should be logged"
    )


@pytest.mark.task(4)
@pytest.mark.parametrize(
    "args",
    [(), (ValueError(),), ("KeyError",), (int,)],
    ids=["none", "instance", "string", "not-an-exception"],
)
def test_suppress_and_log_rejects_arguments_that_are_not_exception_classes(logger, args):
    call_refuses(TypeError, suppress_and_log, *args, logger=logger)


# --- Task 5: atomic_write -------------------------------------------------------------------------


@pytest.mark.task(5)
def test_atomic_write_replaces_the_file_and_leaves_no_temp_file(tmp_path):
    target = tmp_path / "config.json"
    target.write_text("old", encoding="utf-8")
    with atomic_write(target) as f:
        f.write('{"ok": tr')
        f.write("ue}")
        assert target.read_text(encoding="utf-8") == "old", (
            "the target changed before the block ended"
        )
    assert target.read_text(encoding="utf-8") == '{"ok": true}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.json"], (
        f"files left in the directory: {sorted(p.name for p in tmp_path.iterdir())}"
    )
    with atomic_write(str(tmp_path / "data.bin"), mode="wb") as f:
        f.write(b"\x00\xff")
    assert (tmp_path / "data.bin").read_bytes() == b"\x00\xff", "binary mode ('wb') did not work"


class SimulatedDiskFull(Exception):
    pass


@contextlib.contextmanager
def umask_set_to(value: int):
    """Run the block with the process umask set to ``value`` (the test's own thread only)."""
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.task(5)
def test_atomic_write_keeps_the_old_content_when_the_write_fails_midway(tmp_path):
    target = tmp_path / "ledger.txt"
    target.write_text("balance=100\n", encoding="utf-8")
    call = "with atomic_write(path) as f: f.write('balance='); raise"
    with expect_raises(SimulatedDiskFull, call), atomic_write(target) as f:
        f.write("balance=")
        raise SimulatedDiskFull("disk full (simulated)")
    assert target.read_text(encoding="utf-8") == "balance=100\n", (
        f"after a failed write the file holds {target.read_text(encoding='utf-8')!r}"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["ledger.txt"], (
        f"a failed write left {sorted(p.name for p in tmp_path.iterdir())}; remove the temp file"
    )
    missing = tmp_path / "new.txt"
    call = "with atomic_write(new_path) as f: f.write('half'); raise"
    with expect_raises(SimulatedDiskFull, call), atomic_write(missing) as f:
        f.write("half")
        raise SimulatedDiskFull("fail")
    assert not missing.exists(), "a failed write created the target file"


@pytest.mark.task(5)
def test_atomic_write_fsyncs_a_temp_file_in_the_same_directory_then_os_replaces(
    tmp_path, monkeypatch
):
    calls: list[tuple] = []
    sizes: list[int] = []
    real_replace, real_fsync = os.replace, os.fsync

    def spy_replace(src, dst, *args, **kwargs):
        calls.append(("replace", os.path.dirname(os.path.abspath(src)), os.fspath(dst)))
        return real_replace(src, dst, *args, **kwargs)

    def spy_fsync(fd):
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode):
            calls.append(("fsync",))
            sizes.append(info.st_size)
        return real_fsync(fd)

    monkeypatch.setattr(os, "replace", spy_replace)
    monkeypatch.setattr(os, "fsync", spy_fsync)
    target = tmp_path / "out.txt"
    with atomic_write(target) as f:
        f.write("data")
    replaces = [c for c in calls if c[0] == "replace"]
    assert len(replaces) == 1, f"expected one os.replace call, got calls {calls!r}"
    assert replaces[0][1] == str(tmp_path), (
        f"the temp file lived in {replaces[0][1]!r}; it must be in the target's directory "
        f"{str(tmp_path)!r} (a rename across filesystems is not atomic)"
    )
    assert ("fsync",) in calls and calls.index(("fsync",)) < calls.index(replaces[0]), (
        f"calls were {calls!r}; fsync the temp file before os.replace"
    )
    assert sizes[0] == len("data"), (
        f"when the temp file was fsynced it held {sizes[0]} bytes of the 4 written: flush() "
        "Python's buffer to the file first, or fsync makes nothing durable"
    )


@pytest.mark.task(5)
@pytest.mark.parametrize(
    "mode", [0o640, 0o664, 0o666, 0o600, 0o755], ids=["0o640", "0o664", "0o666", "0o600", "0o755"]
)
def test_atomic_write_keeps_the_permissions_of_the_file_it_replaces(tmp_path, mode):
    target = tmp_path / "shared.txt"
    target.write_text("old", encoding="utf-8")
    target.chmod(mode)
    with umask_set_to(0o022), atomic_write(target) as f:
        f.write("new")
    got = stat.S_IMODE(target.stat().st_mode)
    assert got == mode, (
        f"under umask 0o022, replacing a {oct(mode)} file gave it mode {oct(got)}; expected "
        f"{oct(mode)} as before (os.chmod to the old mode: chmod ignores the umask)"
    )


@pytest.mark.task(5)
@pytest.mark.parametrize(
    ("umask", "want"),
    [(0o022, 0o644), (0o077, 0o600), (0o027, 0o640)],
    ids=["umask-022", "umask-077", "umask-027"],
)
def test_atomic_write_gives_new_files_the_default_mode_without_touching_the_umask(
    tmp_path, umask, want
):
    with umask_set_to(umask):
        real_umask = os.umask
        calls: list[tuple] = []

        def spy(*args):
            calls.append(args)
            return real_umask(*args)

        os.umask = spy
        try:
            for name in ("first.txt", "second.txt"):
                with atomic_write(tmp_path / name) as f:
                    f.write(name)
        finally:
            os.umask = real_umask
        still = os.umask(umask)
    got = [oct(stat.S_IMODE((tmp_path / n).stat().st_mode)) for n in ("first.txt", "second.txt")]
    assert calls == [], (
        f"atomic_write called os.umask{calls[0]!r}: os.umask sets the mask for the whole "
        "process (there is no way to only read it), a race with every other thread creating "
        "files. Create the temp file with os.open(..., 0o666) and let the kernel apply the umask"
    )
    assert still == umask, f"after atomic_write the umask was {oct(still)}; expected {oct(umask)}"
    assert got == [oct(want), oct(want)], (
        f"with umask {oct(umask)}, two new files written by atomic_write got modes {got}; "
        f"expected {oct(want)} for both (0o666 minus the umask, as open(path, 'w') gives)"
    )


@pytest.mark.task(5)
def test_atomic_write_never_exposes_a_private_file_while_writing(tmp_path):
    target = tmp_path / "secret.env"
    target.write_text("TOKEN=old", encoding="utf-8")
    target.chmod(0o600)
    with umask_set_to(0o022), atomic_write(target) as f:
        f.write("TOKEN=new")
        f.flush()
        temps = [p for p in tmp_path.iterdir() if p != target]
        modes = {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in temps}
    assert len(temps) == 1, f"while writing, the directory held {sorted(modes)}; expected 1 temp"
    (mode,) = modes.values()
    assert int(mode, 8) & ~0o600 == 0, (
        f"while writing the new content of a 0o600 file, the temp file had mode {mode}: "
        "readable by others before the rename. It must never allow more than the file it "
        "replaces (create it with the old mode, or with 0o600, and chmod at the end)"
    )
    got = oct(stat.S_IMODE(target.stat().st_mode))
    assert got == oct(0o600), f"after the write the file's mode is {got}; expected 0o600"


@pytest.mark.task(5)
def test_atomic_write_uses_the_given_encoding(tmp_path):
    target = tmp_path / "legacy.txt"
    with atomic_write(target, encoding="latin-1") as f:
        f.write("café")
    got = target.read_bytes()
    assert got == b"caf\xe9", (
        f"atomic_write(path, encoding='latin-1') wrote 'café' as {got!r}; expected b'caf\\xe9'"
    )
    with atomic_write(target) as f:
        f.write("café")
    got = target.read_bytes()
    assert got == "café".encode(), (
        f"atomic_write(path) wrote 'café' as {got!r}; expected UTF-8 by default"
    )


@pytest.mark.task(5)
def test_atomic_write_rejects_bad_modes_and_directories(tmp_path):
    for mode in ("a", "r", "w+", "x"):
        call = f"atomic_write(path, mode={mode!r})"
        with refused(ValueError, call), atomic_write(tmp_path / "f.txt", mode=mode):
            pytest.fail(f"{call} ran the block")
    ran = []
    with refused(IsADirectoryError, "atomic_write(a_directory)"), atomic_write(tmp_path) as f:
        ran.append(True)
        f.write("x")
    assert ran == [], "atomic_write(a_directory) ran the block; refuse the directory on entry"
    assert list(tmp_path.iterdir()) == [], f"left behind: {list(tmp_path.iterdir())}"


# --- Task 6: open_all -----------------------------------------------------------------------------


@pytest.fixture
def spy_open(monkeypatch):
    """Record every file object the built-in open() returns."""
    opened = []
    real_open = builtins.open

    def recording_open(*args, **kwargs):
        f = real_open(*args, **kwargs)
        opened.append(f)
        return f

    monkeypatch.setattr(builtins, "open", recording_open)
    return opened


def make_files(tmp_path, count):
    paths = []
    for i in range(count):
        p = tmp_path / f"part{i}.txt"
        p.write_text(f"part {i}", encoding="utf-8")
        paths.append(p)
    return paths


@pytest.mark.task(6)
def test_open_all_yields_files_in_order_and_closes_them_after_the_block(tmp_path, spy_open):
    paths = make_files(tmp_path, 3)
    with open_all(paths) as files:
        got = [f.read() for f in files]
    assert got == ["part 0", "part 1", "part 2"], f"read {got!r} from the yielded files"
    assert all(f.closed for f in files), "open_all left files open after the block"
    with open_all([]) as none:
        assert none == [], f"open_all([]) yielded {none!r}"


@pytest.mark.task(6)
def test_open_all_closes_every_file_when_the_block_raises(tmp_path, spy_open):
    call = "with open_all([2 paths]): raise LookupError"
    with expect_raises(LookupError, call), open_all(make_files(tmp_path, 2)):
        raise LookupError("inside")
    assert len(spy_open) == 2 and all(f.closed for f in spy_open), (
        f"after an error in the block: {[(f.name, f.closed) for f in spy_open]}"
    )


@pytest.mark.task(6)
def test_open_all_closes_the_files_already_opened_when_a_later_open_fails(tmp_path, spy_open):
    paths = [*make_files(tmp_path, 2), tmp_path / "missing.txt", *make_files(tmp_path, 3)[2:]]
    call = "open_all([part0, part1, missing.txt, part2])"
    with expect_raises(FileNotFoundError, call), open_all(paths):
        pytest.fail("the block ran although a file could not be opened")
    assert len(spy_open) == 2, f"expected 2 files opened before the failure, got {len(spy_open)}"
    assert all(f.closed for f in spy_open), (
        f"after the third open failed: {[(f.name, f.closed) for f in spy_open]}; "
        "close the first two"
    )


@pytest.mark.task(6)
def test_open_all_refuses_a_single_path_string(tmp_path, spy_open):
    (tmp_path / "abc").write_text("x", encoding="utf-8")
    single = tmp_path / "abc"
    for arg in (str(single), bytes(single), single):
        call = f"open_all({arg!r})"
        with refused(TypeError, call), open_all(arg):
            pytest.fail(f"{call}: a single path was treated as a list of paths")
    assert spy_open == [], "open_all opened files for a single path argument"


@pytest.mark.task(6)
def test_open_all_passes_the_mode_and_encoding_to_open(tmp_path, spy_open):
    raw = tmp_path / "raw.bin"
    raw.write_bytes(b"\x00\xff")
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(b"caf\xe9")
    with open_all([raw], mode="rb") as files:
        got = [f.read() for f in files]
    assert got == [b"\x00\xff"], (
        f"open_all([raw.bin], mode='rb') read {got!r}; expected [b'\\x00\\xff'] (binary mode "
        "takes no encoding)"
    )
    with open_all([legacy], encoding="latin-1") as files:
        got = [f.read() for f in files]
    assert got == ["café"], f"open_all([legacy.txt], encoding='latin-1') read {got!r}"


# --- Task 7: an async pool ------------------------------------------------------------------------


class FakeConnection:
    def __init__(self, number: int) -> None:
        self.number = number
        self.closed = False

    async def close(self) -> None:
        self.closed = True


class Factory:
    def __init__(self, fail_first: int = 0) -> None:
        self.made: list[FakeConnection] = []
        self.fail_first = fail_first

    async def __call__(self) -> FakeConnection:
        await asyncio.sleep(0)
        if self.fail_first:
            self.fail_first -= 1
            raise ConnectionRefusedError("database down")
        conn = FakeConnection(len(self.made) + 1)
        self.made.append(conn)
        return conn


async def acquire_within(pool, seconds=0.5):
    """Acquire and release once, or fail with a readable message instead of hanging."""
    try:
        async with asyncio.timeout(seconds), pool.acquire() as conn:
            return conn
    except TimeoutError:
        pytest.fail(f"pool.acquire() waited {seconds}s with in_use={pool.in_use}: a slot leaked")


@pytest.mark.task(7)
@pytest.mark.asyncio
async def test_pool_reuses_an_idle_resource_after_a_clean_exit():
    factory = Factory()
    pool = Pool(factory, size=2)
    first = await acquire_within(pool)
    second = await acquire_within(pool)
    assert first is second and len(factory.made) == 1, (
        f"two sequential acquires created {len(factory.made)} resources; expected one, reused"
    )
    assert pool.in_use == 0 and not first.closed


@pytest.mark.task(7)
@pytest.mark.asyncio
async def test_pool_never_hands_out_more_than_size_resources_at_once():
    pool = Pool(Factory(), size=2)
    active = peak = 0

    async def worker():
        nonlocal active, peak
        async with pool.acquire():
            active += 1
            peak = max(peak, active)
            await asyncio.sleep(0.01)
            active -= 1

    async with asyncio.timeout(2):
        await asyncio.gather(*(worker() for _ in range(6)))
    assert peak == 2, f"at most {peak} workers held a resource at once; expected exactly 2"


@pytest.mark.task(7)
@pytest.mark.asyncio
async def test_pool_closes_and_drops_a_resource_whose_block_raised():
    factory = Factory()
    pool = Pool(factory, size=1)
    with expect_raises(OSError, "async with pool.acquire(): raise OSError"):
        async with pool.acquire() as conn:
            raise OSError("connection reset mid-query")
    assert conn.closed, "a resource whose block raised must be closed, it may be broken"
    assert pool.in_use == 0, f"in_use is {pool.in_use} after the error; expected 0"
    fresh = await acquire_within(pool)
    assert fresh is not conn, "the broken resource was handed out again"


@pytest.mark.task(7)
@pytest.mark.asyncio
async def test_pool_releases_the_slot_when_the_holder_is_cancelled():
    pool = Pool(Factory(), size=1)
    entered = asyncio.Event()

    async def holder():
        async with pool.acquire():
            entered.set()
            await asyncio.sleep(10)

    task = asyncio.create_task(holder())
    await entered.wait()
    task.cancel()
    with expect_raises(asyncio.CancelledError, "await the cancelled holder task"):
        await task
    assert pool.in_use == 0, f"in_use is {pool.in_use} after cancelling the holder; expected 0"
    await acquire_within(pool)


@pytest.mark.task(7)
@pytest.mark.asyncio
async def test_pool_survives_a_cancelled_waiter_and_a_failing_factory():
    pool = Pool(Factory(fail_first=1), size=1)
    with expect_raises(ConnectionRefusedError, "async with pool.acquire() with a failing factory"):
        async with pool.acquire():
            pytest.fail("the block ran although the factory failed")
    held = asyncio.Event()
    release = asyncio.Event()

    async def holder():
        async with pool.acquire():
            held.set()
            await release.wait()

    async def waiter():
        async with pool.acquire():
            pytest.fail("the cancelled waiter got a resource")

    hold_task = asyncio.create_task(holder())
    await held.wait()
    wait_task = asyncio.create_task(waiter())
    await asyncio.sleep(0.01)
    wait_task.cancel()
    with expect_raises(asyncio.CancelledError, "await the cancelled waiter task"):
        await wait_task
    release.set()
    await hold_task
    await acquire_within(pool)
    assert pool.in_use == 0


@pytest.mark.task(7)
@pytest.mark.parametrize("size", [0, -1, 1.5, True], ids=["zero", "negative", "float", "bool"])
def test_pool_rejects_a_size_that_is_not_a_positive_int(size):
    call_refuses(ValueError, Pool, Factory(), size=size)
