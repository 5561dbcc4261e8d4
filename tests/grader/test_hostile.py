"""Hostile learner code and hostile input, through the real ``kata check`` / ``kata grade``.

Each test puts one hostile file in place of the learner's ``katas/toy.py`` in a fresh copy of the
toy repository, with the other kata (``toy2``) solved, and asserts both the hostile kata's status
and that ``toy2`` is still graded normally. Limits are small so that a hang costs seconds.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from toyrepo import KATAS, TOY_STUB, clean, solve, write, write_catalogue

from grader.running.runner import GRACE
from grader.teaching import integrity

FAST = {"wall_clock": 4, "test_timeout": 1}
LINUX = sys.platform.startswith("linux")


# --- helpers ---------------------------------------------------------------------------------


def hostile(repo: Path, source: str, limits: dict | None = None, katas: list[dict] = KATAS) -> None:
    """The hostile file as the learner's ``toy``; ``toy2`` solved; small limits."""
    write_catalogue(repo, katas, FAST if limits is None else limits)
    write(repo / "katas" / "toy.py", textwrap.dedent(source))
    solve(repo, "toy2")


def grade_json(kata, *args: str, code: int = 0) -> tuple[dict[str, dict], dict]:
    result = kata("grade", "--format", "json", *args)
    clean(result)
    assert result.exit_code == code, result.output
    data = json.loads(result.stdout)
    return {k["slug"]: k for k in data["katas"]}, data


def toy2_graded_normally(katas: dict[str, dict]) -> None:
    assert katas["toy2"]["status"] == "passed", katas["toy2"]
    assert katas["toy2"]["score"] == 10 and katas["toy2"]["tests_passed"] == 2


def one_line_error(result, code: int | None = None) -> str:
    output = clean(result).strip()
    assert result.exit_code != 0, output
    if code is not None:
        assert result.exit_code == code, output
    assert "\n" not in output, output
    assert output.startswith("Error: "), output
    return output


def alive(pid: int) -> bool:
    """Running (a zombie is dead: it only waits to be reaped)."""
    if LINUX:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return False
        return stat.rpartition(")")[2].split()[0] not in ("Z", "X")
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def survivors(marker: str) -> list[str]:
    """Live processes whose command line or name mentions ``marker`` (other than this one).
    Processes inside a sandbox are seen too: their PID namespace is a child of this one."""
    found = []
    if LINUX:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(
                    errors="replace") + " " + (entry / "comm").read_text().strip()
            except OSError:
                continue
            if marker in cmdline and alive(int(entry.name)):
                found.append(f"{entry.name}: {cmdline}")
        return found
    out = subprocess.run(["ps", "-axo", "pid=,stat=,command="], capture_output=True, text=True)
    for line in out.stdout.splitlines():
        pid, stat, command = [*line.split(None, 2), "", ""][:3]
        if marker in command and int(pid) != os.getpid() and not stat.startswith("Z"):
            found.append(line)
    return found


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux /proc; elsewhere none are found)."""
    found, todo = [], [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*"):
            with contextlib.suppress(OSError):
                children = [int(c) for c in (task / "children").read_text().split()]
                found += children
                todo += children
    return found


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def nothing_survives(pids: list[int], marker: str) -> None:
    # The supervisor kills and reaps before it exits; allow a moment for the kernel to tidy up.
    assert wait_for(lambda: not any(alive(p) for p in pids), 2), [p for p in pids if alive(p)]
    assert wait_for(lambda: not survivors(marker), 2), survivors(marker)


class Sightings:
    """Watches /proc while a grade runs: the pids of every process carrying ``marker`` that was
    ever seen alive (the learner's code runs where it cannot write to us)."""

    def __init__(self, marker: str) -> None:
        self.marker = marker
        self.pids: set[int] = set()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self.done.is_set():
            self.pids |= {int(line.split(":")[0]) for line in survivors(self.marker)}
            time.sleep(0.02)

    def __enter__(self) -> Sightings:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()


# --- hangs, exits, crashes -------------------------------------------------------------------


@pytest.mark.timeout(60)
def test_an_infinite_loop_in_a_function_times_out(repo: Path, kata) -> None:
    hostile(repo, """
        def add(a, b):
            while True:
                pass


        def greet(name):
            return f"Hello, {name}!"
    """)
    katas, _ = grade_json(kata)
    assert katas["toy"]["status"] == "timeout", katas["toy"]
    assert katas["toy"]["score"] == 0
    toy2_graded_normally(katas)


@pytest.mark.timeout(60)
def test_an_infinite_loop_at_import_times_out(repo: Path, kata) -> None:
    hostile(repo, "while True:\n    pass\n", {"wall_clock": 3, "test_timeout": 1})
    started = time.monotonic()
    katas, _ = grade_json(kata)
    assert katas["toy"]["status"] == "timeout", katas["toy"]
    assert "3 s limit" in katas["toy"]["cause"]
    toy2_graded_normally(katas)
    assert time.monotonic() - started < 3 + GRACE + 6


@pytest.mark.timeout(60)
def test_os_exit_in_a_tested_function_is_a_crash(repo: Path, kata) -> None:
    hostile(repo, """
        import os


        def add(a, b):
            os._exit(0)


        def greet(name):
            return f"Hello, {name}!"
    """)
    katas, _ = grade_json(kata)
    assert katas["toy"]["status"] == "crashed", katas["toy"]
    assert "exited early" in katas["toy"]["cause"]
    toy2_graded_normally(katas)


@pytest.mark.timeout(60)
def test_sys_exit_at_import_is_an_error(repo: Path, kata) -> None:
    hostile(repo, "import sys\nsys.exit(0)\n")
    katas, _ = grade_json(kata)
    assert katas["toy"]["status"] == "error", katas["toy"]
    assert "SystemExit" in katas["toy"]["cause"]
    toy2_graded_normally(katas)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("source", [
    "import unittest\nraise unittest.SkipTest('nothing to grade')\n",
    "import pytest\n\n\ndef add(a, b):\n    pytest.skip('later')\n\n\n"
    "def greet(name):\n    pytest.skip('later')\n",
    "import pytest\npytest.skip('whole module', allow_module_level=True)\n",
], ids=["skiptest-at-import", "skip-in-every-function", "module-level-skip"])
def test_skipping_everything_never_passes(repo: Path, kata, source: str) -> None:
    hostile(repo, source)
    katas, _ = grade_json(kata)
    assert katas["toy"]["status"] in ("failed", "error"), katas["toy"]
    assert katas["toy"]["score"] == 0 and katas["toy"]["tests_passed"] == 0
    toy2_graded_normally(katas)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("raised", ["SystemExit", "SystemExit(0)"])
def test_system_exit_in_a_function_is_an_error(repo: Path, kata, raised: str) -> None:
    hostile(repo, f"""
        def add(a, b):
            raise {raised}


        def greet(name):
            return f"Hello, {{name}}!"
    """)
    katas, _ = grade_json(kata)
    assert katas["toy"]["status"] == "error", katas["toy"]
    assert "SystemExit" in katas["toy"]["cause"]
    toy2_graded_normally(katas)


@pytest.mark.timeout(60)
def test_keyboard_interrupt_in_a_function_does_not_stop_the_grader(repo: Path, kata) -> None:
    hostile(repo, """
        def add(a, b):
            raise KeyboardInterrupt


        def greet(name):
            return f"Hello, {name}!"
    """)
    katas, _ = grade_json(kata)
    assert katas["toy"]["status"] in ("failed", "error"), katas["toy"]
    assert katas["toy"]["score"] == 0
    toy2_graded_normally(katas)


@pytest.mark.timeout(60)
def test_a_segfault_is_a_crash_that_names_the_signal(repo: Path, kata) -> None:
    hostile(repo, """
        import ctypes


        def add(a, b):
            return ctypes.string_at(0)


        def greet(name):
            return f"Hello, {name}!"
    """)
    katas, _ = grade_json(kata)
    assert katas["toy"]["status"] == "crashed", katas["toy"]
    assert "SIGSEGV" in katas["toy"]["cause"]
    toy2_graded_normally(katas)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("hog", [
    "bytearray(64 * 2**30)",
    "[blocks.append(bytearray(100 * 2**20)) for _ in iter(int, 1)]",
], ids=["64-GiB-at-once", "100-MB-blocks"])
def test_a_memory_hog_is_a_crash_at_the_memory_limit(repo: Path, kata, hog: str) -> None:
    katas = [{**KATAS[0], "limits": {"memory_mb": 512}}, KATAS[1]]
    hostile(repo, f"""
        blocks = []


        def add(a, b):
            {hog}
            return a + b


        def greet(name):
            return f"Hello, {{name}}!"
    """, katas=katas)
    graded, _ = grade_json(kata)
    assert graded["toy"]["status"] == "crashed", graded["toy"]
    assert "memory limit" in graded["toy"]["cause"]
    toy2_graded_normally(graded)


# --- processes that try to outlive the kata --------------------------------------------------

SPAWNER = """
import os
import subprocess
import sys
import time

import ctypes
import tempfile

PIDS = os.path.join(tempfile.gettempdir(), "pids.txt")  # the run's own /tmp
MARKER = {marker!r}
SLEEPER = ("import os, sys, time; {setsid}open(sys.argv[1], 'a').write(f'{{os.getpid()}}\\\\n'); "
           "time.sleep(1000)")
SLEEP = [sys.executable, "-c", "import time; time.sleep(1000)", MARKER]
spawned = False


def record(pid):
    ctypes.CDLL(None).prctl(15, MARKER.encode()[:15], 0, 0, 0)  # PR_SET_NAME: seen from outside
    with open(PIDS, "a") as out:
        out.write(f"{{pid}}\\n")


def spawn():
    global spawned
    if spawned:
        return
    spawned = True
    subprocess.Popen([sys.executable, "-c", SLEEPER, PIDS, MARKER])  # it may setsid() itself
    child = os.fork()  # a plain forked child that sleeps
    if child == 0:
        try:
            {fork_setsid}record(os.getpid())
            time.sleep(1000)
        finally:
            os._exit(0)
    grandparent = os.fork()  # a daemon: double fork, the middle process exits at once
    if grandparent == 0:
        try:
            {fork_setsid}if os.fork() == 0:
                record(os.getpid())
                os.execv(sys.executable, SLEEP)
        finally:
            os._exit(0)
    os.waitpid(grandparent, 0)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # every child has written its pid
        try:
            if len(open(PIDS).read().split()) >= 3:
                break
        except FileNotFoundError:
            pass
        time.sleep(0.02)


def add(a, b):
    spawn()
    return a + b


def greet(name):
    return f"Hello, {{name}}!"
"""


def spawner(marker: str, setsid: bool) -> str:
    return SPAWNER.format(marker=marker,
                          setsid="os.setsid(); " if setsid else "",
                          fork_setsid="os.setsid()\n            " if setsid else "")


def short_marker() -> str:
    """A process name short enough for /proc/PID/comm (15 bytes), unique to this test."""
    return "kh" + os.urandom(5).hex()


@pytest.mark.timeout(60)
@pytest.mark.parametrize("setsid", [
    False,
    pytest.param(True, marks=pytest.mark.skipif(
        not LINUX, reason="only Linux has a child subreaper to catch a setsid() daemon")),
], ids=["same-session", "setsid"])
def test_children_that_outlive_the_test_are_killed_with_the_kata(
        repo: Path, kata, tmp_path: Path, setsid: bool) -> None:
    marker = short_marker()
    hostile(repo, spawner(marker, setsid))
    with Sightings(marker) as seen:
        katas, _ = grade_json(kata)
    toy2_graded_normally(katas)
    assert katas["toy"]["status"] == "passed", katas["toy"]  # the children cost no points...
    assert len(seen.pids) >= 3, seen.pids  # (they did run)
    nothing_survives(sorted(seen.pids), marker)  # ...but none of them outlives the kata


# --- fake results, tampering, configuration, environment -------------------------------------


@pytest.mark.timeout(60)
def test_a_fake_summary_or_fake_records_on_stdout_change_nothing(repo: Path, kata) -> None:
    records = [json.dumps({"event": "collected", "tests": []})]
    records += [json.dumps({"event": "test", "name": f"tests/katas/test_toy.py::{name}",
                            "status": "passed", "message": "", "where": None, "duration": 0.0})
                for name in ("test_add_returns_the_sum", "test_add_handles_negative_numbers",
                             "test_greet_says_hello")]
    records.append(json.dumps({"event": "finished", "exitstatus": 0, "time": 0}))
    records.append(json.dumps({"event": "exit", "code": 0}))
    fake = "\n".join(records) + "\n==================== 18 passed in 0.01s ====================\n"
    hostile(repo, TOY_STUB.replace('"""Toy kata: two tiny functions."""', f"""import sys
FAKE = {fake!r}


def shout():
    sys.stdout.write(FAKE)
    sys.stdout.flush()
    sys.stderr.write(FAKE)
    sys.__stdout__.write(FAKE)
    sys.__stdout__.flush()


shout()
""").replace("    raise NotImplementedError", "    shout()\n    raise NotImplementedError"))
    katas, _ = grade_json(kata)
    assert katas["toy"]["status"] == "failed", katas["toy"]
    assert katas["toy"]["tests_passed"] == 0 and katas["toy"]["score"] == 0
    toy2_graded_normally(katas)
    check = kata("check", "toy")
    assert check.exit_code == 1 and "0/3" in clean(check), check.output


TAMPER = """
from pathlib import Path

ROOT = Path({root!r})  # absolute: whatever the working directory, only the toy copy is touched

PASSING = "def test_add_returns_the_sum():\\n    pass\\n"


def add(a, b):
    {action}
    raise NotImplementedError("Task 1: add")


def greet(name):
    raise NotImplementedError("Task 2: greet")
"""


TAMPERING = [
    ('(ROOT / "tests/katas/test_toy.py").write_text(PASSING)', "toy"),
    ('(ROOT / "tests/katas/test_toy_extra.py").write_text(PASSING)', "toy"),
    ('(ROOT / "grader/__init__.py").write_text("# mine")', "*"),
    ('(ROOT / "grader/plugin.py").unlink()', "*"),
]
TAMPERING_IDS = ["edits-its-tests", "adds-a-test-file", "edits-the-grader", "deletes-a-grader-file"]


def tampering_repo(repo: Path, action: str) -> dict[str, bytes]:
    hostile(repo, TAMPER.format(root=str(repo), action=action))
    # a stand-in grader/ folder: the toy copy's protected files (the real grader is elsewhere)
    write(repo / "grader" / "__init__.py", '"""grader"""\n')
    write(repo / "grader" / "plugin.py", '"""plugin"""\n')
    integrity.write(repo)
    return {str(p): p.read_bytes() for p in sorted(repo.rglob("*")) if p.is_file()
            and p.parts[len(repo.parts)] in ("tests", "grader")}


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("action", "owner"), TAMPERING, ids=TAMPERING_IDS)
def test_the_sandbox_keeps_the_tests_and_the_grader_read_only(
        repo: Path, kata, action: str, owner: str) -> None:
    before = tampering_repo(repo, action)
    katas, _ = grade_json(kata)
    assert katas["toy"]["status"] == "failed" and katas["toy"]["score"] == 0, katas["toy"]
    toy2_graded_normally(katas)
    after = {str(p): p.read_bytes() for p in sorted(repo.rglob("*")) if p.is_file()
             and p.parts[len(repo.parts)] in ("tests", "grader")}
    assert after == before  # the write failed: the file system was read-only
    result = kata("grade", "--format", "json")
    assert result.exit_code == 0, result.output  # and the next grade finds nothing amiss


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("action", "owner"), TAMPERING, ids=TAMPERING_IDS)
def test_without_the_sandbox_the_same_grade_reports_the_tampering(
        repo: Path, kata, monkeypatch: pytest.MonkeyPatch, action: str, owner: str) -> None:
    monkeypatch.setenv("KATA_NO_SANDBOX", "1")
    tampering_repo(repo, action)
    result = kata("grade", "--format", "json", "--no-sandbox")
    clean(result)
    assert result.exit_code == 3, result.output  # caught by the check made after the runs
    assert "tampering found" in result.stderr
    data = json.loads(result.stdout)
    assert data["sandboxed"] is False and "WITHOUT the sandbox" in data["warnings"][0]
    graded = {k["slug"]: k for k in data["katas"]}
    assert graded["toy"]["status"] == "tampered" and graded["toy"]["score"] == 0, graded["toy"]
    if owner == "toy":
        toy2_graded_normally(graded)
    else:  # the grader itself was touched: every kata is suspect, but toy2 still ran and passed
        assert graded["toy2"]["status"] == "tampered" and graded["toy2"]["tests_passed"] == 2


CONFIGS = {
    "conftest.py": "import pytest\n\n\n@pytest.hookimpl(wrapper=True)\n"
                   "def pytest_runtest_makereport(item, call):\n    report = yield\n"
                   "    report.outcome = 'passed'\n    return report\n",
    "katas/conftest.py": "import pytest\n\n\n@pytest.fixture(autouse=True)\n"
                         "def _skip():\n    pytest.skip('configured away')\n",
    "tests/katas/conftest.py": "raise RuntimeError('a learner conftest was loaded')\n",
    "pytest.ini": "[pytest]\naddopts = -k nothing -p no:grader.running.plugin\n",
    "tests/katas/pytest.ini": "[pytest]\naddopts = -x --co\n",
    "setup.cfg": "[tool:pytest]\naddopts = -k nothing\n",
}


@pytest.mark.timeout(60)
def test_learner_pytest_configuration_is_ignored_and_listed(repo: Path, kata) -> None:
    hostile(repo, TOY_STUB)
    for rel, text in CONFIGS.items():
        write(repo / rel, text)
    katas, data = grade_json(kata)
    assert katas["toy"]["status"] == "failed" and katas["toy"]["tests_total"] == 3, katas["toy"]
    toy2_graded_normally(katas)
    for rel in CONFIGS:
        assert any(w.startswith(f"{rel}: learner-added") for w in data["warnings"]), (
            rel, data["warnings"])
    text = kata("grade")
    output = clean(text)
    assert text.exit_code == 0
    for rel in CONFIGS:
        assert f"warning: {rel}: learner-added pytest configuration, never loaded" in output


@pytest.mark.timeout(60)
def test_the_environment_cannot_change_what_is_graded(
        repo: Path, kata, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hostile(repo, TOY_STUB)
    fake = tmp_path / "fake"
    write(fake / "toy.py", (repo / "solutions" / "toy.py").read_text())
    write(fake / "fakeplugin.py", CONFIGS["conftest.py"])
    monkeypatch.setenv("PYTEST_ADDOPTS", "-k nothing")
    monkeypatch.setenv("PYTHONPATH", str(fake))
    monkeypatch.setenv("PYTEST_PLUGINS", "fakeplugin")
    monkeypatch.setenv("KATA_TREE", "solutions")
    katas, _ = grade_json(kata)
    assert katas["toy"]["status"] == "failed", katas["toy"]  # the stub still fails...
    assert katas["toy"]["tests_total"] == 3 and katas["toy"]["tests_passed"] == 0
    toy2_graded_normally(katas)  # ...and nothing was deselected from the other kata
    check = kata("check", "toy")
    assert check.exit_code == 1, check.output


@pytest.mark.timeout(60)
def test_monkeypatching_pytest_or_the_plugin_is_flagged(repo: Path, kata) -> None:
    hostile(repo, '''
        import pytest
        import grader.running.plugin
        from _pytest import runner

        _write = grader.running.plugin.Recorder.write


        def _always_passed(self, record):
            if record.get("event") == "test":
                record = {**record, "status": "passed"}
            _write(self, record)


        grader.running.plugin.Recorder.write = _always_passed
        pytest.fail = lambda *args, **kwargs: None
        runner.call_and_report = runner.call_and_report


        def add(a, b):
            raise NotImplementedError("Task 1: add")


        def greet(name):
            raise NotImplementedError("Task 2: greet")
    ''')
    katas, _ = grade_json(kata, code=3)  # a forgery the run itself shows is tampering
    assert katas["toy"]["status"] == "tampered" and katas["toy"]["score"] == 0, katas["toy"]
    assert any("Recorder.write was replaced" in t for t in katas["toy"]["tampered"]), katas["toy"]
    flags = katas["toy"]["flags"]
    for name in ("pytest", "grader.running.plugin", "_pytest"):
        assert any(f": imports {name}" in f for f in flags), (name, flags)
    assert not katas["toy2"]["flags"]
    toy2_graded_normally(katas)
    output = clean(kata("grade"))
    assert "warning: katas/toy.py:2: imports pytest" in output
    assert "warning: katas/toy.py:3: imports grader.running.plugin" in output


# --- bad input to the CLI: one line, non-zero, no traceback ----------------------------------


@pytest.mark.parametrize("command", [["list"], ["check", "toy"], ["grade"], ["start", "toy"]])
def test_a_missing_catalogue_is_one_line(repo: Path, kata, command: list[str]) -> None:
    (repo / "katas.toml").unlink()
    assert "katas.toml" in one_line_error(kata(*command))


@pytest.mark.parametrize("command", [["list"], ["check", "toy"], ["grade"]])
def test_a_corrupt_catalogue_is_one_line(repo: Path, kata, command: list[str]) -> None:
    (repo / "katas.toml").write_text('gated = false\n[[kata]\nslug = "toy\n', encoding="utf-8")
    assert "not valid TOML" in one_line_error(kata(*command))


def test_a_catalogue_that_is_not_utf8_is_one_line(repo: Path, kata) -> None:
    (repo / "katas.toml").write_bytes(b"gated = false\n# \xff\xfe\n")
    one_line_error(kata("list"))


def deny(monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    """Every ``open`` of a path ending in ``suffix`` raises PermissionError, as for a chmod 000."""
    real = io.open

    def fake_open(file, *args, **kwargs):
        if isinstance(file, str | os.PathLike) and os.fspath(file).endswith(suffix):
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real(file, *args, **kwargs)

    monkeypatch.setattr(io, "open", fake_open)
    monkeypatch.setattr(builtins, "open", fake_open)


def test_an_unreadable_catalogue_is_one_line(repo: Path, kata, monkeypatch) -> None:
    deny(monkeypatch, "katas.toml")
    assert "Permission denied" in one_line_error(kata("list"))


def test_a_kata_file_that_is_a_folder_is_one_line(repo: Path, kata) -> None:
    (repo / "katas" / "toy.py").unlink()
    (repo / "katas" / "toy.py").mkdir()
    assert "katas/toy.py is a folder" in one_line_error(kata("check", "toy"))
    assert "katas/toy.py" in one_line_error(kata("reset", "toy"))
    assert (repo / "katas" / "toy.py").is_dir()  # nothing was overwritten


@pytest.mark.timeout(60)
def test_a_kata_file_that_is_a_folder_scores_zero_in_a_grade(repo: Path, kata) -> None:
    hostile(repo, TOY_STUB)
    (repo / "katas" / "toy.py").unlink()
    (repo / "katas" / "toy.py").mkdir()
    katas, _ = grade_json(kata)
    assert katas["toy"]["status"] in ("failed", "error") and katas["toy"]["score"] == 0
    toy2_graded_normally(katas)


@pytest.mark.timeout(60)
def test_a_kata_file_that_is_not_utf8_is_an_error(repo: Path, kata) -> None:
    hostile(repo, TOY_STUB)
    (repo / "katas" / "toy.py").write_bytes(b"def add(a, b):\n    return a + b  # \xff\xfe\n")
    check = kata("check", "toy")
    assert check.exit_code == 1 and "error" in clean(check), check.output
    katas, _ = grade_json(kata)
    assert katas["toy"]["status"] == "error", katas["toy"]
    toy2_graded_normally(katas)


@pytest.mark.timeout(60)
def test_a_kata_file_that_cannot_be_opened(repo: Path, kata, monkeypatch) -> None:
    hostile(repo, TOY_STUB)
    write(repo / "katas" / "toy.py", "# my work\n")
    deny(monkeypatch, "katas/toy.py")
    assert "Permission denied" in one_line_error(kata("reset", "toy"))
    # the grade's static look cannot read it either, and goes on
    katas, _ = grade_json(kata)
    assert katas["toy"]["status"] == "error" and katas["toy"]["flags"] == []
    toy2_graded_normally(katas)
    monkeypatch.undo()
    assert (repo / "katas" / "toy.py").read_text() == "# my work\n"


@pytest.mark.parametrize("command", [["start", "toy"], ["hint", "toy"], ["check", "toy"]])
def test_a_kata_folder_that_is_a_file_is_one_line(repo: Path, kata, command: list[str]) -> None:
    (repo / ".kata").write_text("not a folder\n")
    result = kata(*command)
    output = clean(result)
    assert result.exit_code != 0, output
    last = output.strip().splitlines()[-1]
    assert last.startswith("Error: cannot save progress"), output
    assert sum(line.startswith("Error:") for line in output.splitlines()) == 1


def test_reset_when_no_backup_can_be_made_keeps_the_learners_file(repo: Path, kata) -> None:
    write(repo / "katas" / "toy.py", "# my work\n")
    (repo / ".kata").write_text("not a folder\n")
    one_line_error(kata("reset", "toy"))
    assert (repo / "katas" / "toy.py").read_text() == "# my work\n"


def test_missing_katas_folder(repo: Path, kata) -> None:
    shutil.rmtree(repo / "katas")
    assert "kata start toy" in one_line_error(kata("check", "toy"))
    assert "Created katas/toy.py" in clean(kata("start", "toy"))


@pytest.mark.parametrize("command", [["list"], ["check", "toy"], ["grade"], ["start", "toy"]])
def test_missing_tests_folder_is_one_line(repo: Path, kata, command: list[str]) -> None:
    shutil.rmtree(repo / "tests")
    assert "tests/" in one_line_error(kata(*command))


@pytest.mark.timeout(60)
def test_an_output_that_cannot_be_written_is_one_line(repo: Path, kata) -> None:
    solve(repo, "toy2")
    target = repo / "katas.toml" / "grade.json"  # a file where a folder should be
    assert "cannot write --output" in one_line_error(
        kata("grade", "toy2", "--format", "json", "-o", str(target)), code=4)


@pytest.mark.timeout(60)
def test_an_interrupted_check_exits_quickly_and_leaves_nothing_behind(
        repo: Path, kata, tmp_path: Path) -> None:
    marker = short_marker()
    hostile(repo, f"""
        import os, subprocess, sys, time


        def add(a, b):
            subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1000)", {marker!r}])
            while True:
                pass


        def greet(name):
            return f"Hello, {{name}}!"
    """, {"wall_clock": 40, "test_timeout": 30})
    clean(kata("start", "toy"))
    progress = repo / ".kata" / "progress.json"
    before = progress.read_bytes()
    proc = subprocess.Popen([sys.executable, "-m", "grader", "--repo", str(repo), "--no-color",
                             "check", "toy"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        assert wait_for(lambda: survivors(marker), 20), "the hanging test never started"
        pids = [int(line.split(":")[0]) for line in survivors(marker)]
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)  # Ctrl-C reaches the kata process
        started = time.monotonic()
        out, err = proc.communicate(timeout=15)
        elapsed = time.monotonic() - started
    finally:
        if proc.poll() is None:  # the test failed: take down what it started, sessions included
            for pid in [proc.pid, *descendants(proc.pid)]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode != 0
    assert elapsed < GRACE + 3, f"took {elapsed:.1f} s to stop after Ctrl-C"
    assert b"Traceback" not in err and b"Traceback" not in out, err.decode()
    assert progress.read_bytes() == before  # the old record, whole
    assert not [p.name for p in progress.parent.iterdir() if p.name.endswith(".tmp")]
    nothing_survives(pids, marker)


# --- nothing lost ----------------------------------------------------------------------------


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk-full", "ctrl-c"])
def test_a_crash_in_the_middle_of_a_progress_write_keeps_the_old_file(
        repo: Path, kata, monkeypatch, error: BaseException) -> None:
    clean(kata("start", "toy"))
    progress = repo / ".kata" / "progress.json"
    before = progress.read_bytes()

    def broken_replace(src, dst, **kwargs):
        raise error

    monkeypatch.setattr(os, "replace", broken_replace)
    result = kata("hint", "toy")
    output = clean(result)
    assert result.exit_code != 0, output
    assert "\n" not in output.strip(), output
    monkeypatch.undo()
    assert progress.read_bytes() == before
    assert sorted(p.name for p in progress.parent.iterdir()) == ["progress.json"]


def test_reset_keeps_a_backup_and_start_never_overwrites(repo: Path, kata) -> None:
    write(repo / "katas" / "toy.py", "# my precious work\n")
    clean(kata("start", "toy"))
    assert (repo / "katas" / "toy.py").read_text() == "# my precious work\n"
    output = clean(kata("reset", "toy"))
    backups = list((repo / ".kata" / "backups").glob("toy-*/katas/toy.py"))
    assert len(backups) == 1 and backups[0].read_text() == "# my precious work\n", output
    assert (repo / "katas" / "toy.py").read_text() == TOY_STUB


# --- everything hostile at once --------------------------------------------------------------


@pytest.mark.timeout(60)
def test_a_grade_where_every_kata_is_hostile_finishes_in_time_and_leaves_nothing(
        repo: Path, kata, tmp_path: Path) -> None:
    marker = short_marker()
    limits = {"wall_clock": 3, "test_timeout": 1}
    hostile(repo, spawner(marker, LINUX).replace(
        "def add(a, b):\n    spawn()\n    return a + b",
        "def add(a, b):\n    spawn()\n    while True:\n        pass"), limits,
        katas=[KATAS[0], {**KATAS[1], "limits": {"memory_mb": 512}}])
    write(repo / "katas" / "toy2.py", f"""
import ctypes, os, subprocess, sys

subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1000)", {marker!r}],
                 start_new_session=True)
print("==== 2 passed in 0.01s ====")


def double(x):
    blocks = []
    while True:
        blocks.append(bytearray(100 * 2**20))


def halve(x):
    ctypes.string_at(0)
""")
    started = time.monotonic()
    with Sightings(marker) as seen:
        result = kata("grade", "--format", "json", "-j", "1")
    elapsed = time.monotonic() - started
    clean(result)
    graded = {k["slug"]: k for k in json.loads(result.stdout)["katas"]}
    assert graded["toy"]["status"] == "timeout", graded["toy"]
    assert graded["toy2"]["status"] == "crashed", graded["toy2"]
    assert json.loads(result.stdout)["score"] == 0
    budget = len(graded) * (limits["wall_clock"] + GRACE)
    assert elapsed < budget, f"{elapsed:.1f} s for a budget of {budget:g} s"
    assert seen.pids, "the hostile katas started nothing"
    nothing_survives(sorted(seen.pids), marker)
    assert not survivors(str(repo)), survivors(str(repo))


# --- where bubblewrap cannot run ---------------------------------------------------------------


@pytest.mark.timeout(60)
def test_without_bubblewrap_check_runs_and_says_so_in_one_line(
        repo: Path, kata, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KATA_NO_SANDBOX", "1")
    result = kata("check", "toy")
    notes = [line for line in clean(result).splitlines() if "sandbox" in line]
    assert notes == ["note: running without the sandbox: KATA_NO_SANDBOX is set"], notes
    assert result.exit_code == 1 and "toy: failed" in result.output  # it ran


@pytest.mark.parametrize("command", [["grade"], ["grade-all", "SUBMISSIONS"]])
def test_without_bubblewrap_grading_refuses_with_the_fix(
        repo: Path, kata, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        command: list[str]) -> None:
    monkeypatch.setenv("KATA_NO_SANDBOX", "1")
    (tmp_path / "subs" / "alice" / "katas").mkdir(parents=True)
    args = [str(tmp_path / "subs") if a == "SUBMISSIONS" else a for a in command]
    message = one_line_error(kata(*args), code=4)
    assert "apt-get install bubblewrap" in message and "--no-sandbox" in message


@pytest.mark.timeout(60)
@pytest.mark.parametrize("fmt", ["text", "json", "junit", "markdown"])
def test_grading_without_the_sandbox_says_so_in_every_format(
        repo: Path, kata, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    monkeypatch.setenv("KATA_NO_SANDBOX", "1")
    solve(repo, "toy2")
    result = kata("grade", "--format", fmt, "--no-sandbox")
    assert result.exit_code == 0, result.output
    output = clean(result)
    if fmt == "junit":
        assert 'name="sandboxed" value="false"' in output
    else:
        assert "graded WITHOUT the sandbox (--no-sandbox)" in output
    if fmt == "json":
        assert json.loads(result.stdout)["sandboxed"] is False
