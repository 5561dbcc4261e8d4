"""Attacks of every kind a hostile learner tried (issue 12), on all three grading paths.

Each attack is a kata file that solves nothing (``add`` and ``greet`` raise) and tries to get a
pass anyway, to outlive its run, to read the answers, to sabotage a classmate or to escape. On
``kata grade``, ``kata grade-all`` and the Classroom50 ``autograder.py``, every attack must end in
no false pass (or ``tampered`` with the reason), with nothing left running, nothing left on disk
and nothing changed in another learner's grade.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from gradecheck import CLASSROOM50
from test_hostile import Sightings, nothing_survives, short_marker, survivors
from toyrepo import (
    KATAS,
    TOY2_SOLUTION,
    TOY2_STUB,
    TOY_SOLUTION,
    build_repo,
    clean,
    write,
    write_catalogue,
)

from grader.cli import main
from grader.running.sandbox import unavailable

pytestmark = [
    pytest.mark.timeout(180),
    pytest.mark.skipif(
        unavailable() is not None and not os.environ.get("CI"),
        reason=f"no sandbox here ({unavailable()}); CI installs bubblewrap and runs these",
    ),
]

NOTHING = '''

def add(a, b):
    raise NotImplementedError("Task 1: add")


def greet(name):
    raise NotImplementedError("Task 2: greet")
'''
TOY_TESTS = ["test_add_returns_the_sum", "test_add_handles_negative_numbers",
             "test_greet_says_hello"]
# Every forged record a run could want to send: a full pass of toy's three tests.
FORGED = f'''
import json as _json, os as _os, sys as _sys

_FD = _json.loads(_sys.argv[-1])["fd"]  # the result channel, from the worker's command line
_TESTS = ["tests/katas/test_toy.py::" + n for n in {TOY_TESTS!r}]


def _send(record):
    _os.write(_FD, _json.dumps(record).encode())


def _forge_all():
    _send({{"event": "collected", "tests": [{{"name": n, "task": 1}} for n in _TESTS]}})
    for name in _TESTS:
        for when in ("setup", "call", "teardown"):
            _send({{"event": "phase", "name": name, "when": when, "status": "passed",
                   "message": "", "where": None, "duration": 0.0}})
    _send({{"event": "finished", "exitstatus": 0}})
    _send({{"event": "returned", "code": 0}})
'''

ATTACKS: dict[str, tuple[str, str]] = {
    # 1. forging the run's own result from inside the process
    "recorder-rewritten-through-gc": ("forge", '''
import gc

for _obj in gc.get_objects():
    if type(_obj).__name__ == "Recorder":
        _write = _obj.write

        def _forged(record, _write=_write):
            if record.get("event") == "phase":
                record = {**record, "status": "passed", "message": ""}
            _write(record)

        _obj.write = _forged
''' + NOTHING),
    "hook-registered-through-config": ("forge", '''
import gc

import pytest


class _Forger:
    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = yield
        report.outcome, report.longrepr = "passed", None
        return report


for _obj in gc.get_objects():
    if type(_obj).__name__ == "Config" and hasattr(_obj, "pluginmanager"):
        _obj.pluginmanager.register(_Forger(), "forger")
        break
''' + NOTHING),
    "test-code-swapped-by-a-profiler": ("forge", '''
import sys


def _nothing(*args, **kwargs):
    return None


def _profiler(frame, event, arg):
    if event == "call" and frame.f_code.co_name == "pytest_pyfunc_call":
        item = frame.f_locals.get("pyfuncitem")
        if item is not None and hasattr(item.obj, "__code__"):
            item.obj.__code__ = _nothing.__code__


sys.setprofile(_profiler)
''' + NOTHING),
    "records-from-a-forked-process": ("forge", FORGED + '''
if _os.fork() == 0:  # a process of its own speaks for the suite
    _forge_all()
    _os._exit(0)
''' + NOTHING),
    "own-records-then-exit": ("forge", FORGED + '''
_forge_all()
_os._exit(0)
''' + NOTHING),
    "supervisor-killed-and-its-pipe-written": ("forge", FORGED + '''
import signal as _signal

for _path in (".kata/cache/toy.json", "/proc/%d/fd/1" % _os.getppid()):
    try:  # the expected tests, the runner's pipe
        open(_path, "a").write("done\\n")
    except OSError:
        pass
_forge_all()
_os.kill(_os.getppid(), _signal.SIGKILL)
''' + NOTHING),
    # 2. persisting past the run
    "bytecode-of-another-suite": ("persist", '''
import importlib.util, os, py_compile, tempfile

_ROOT = {root!r}
_BODY = "def test_double_returns_twice_the_number():\\n    pass\\n" \\
        "def test_halve_keeps_the_fraction():\\n    pass\\n"
_source = os.path.join(tempfile.mkdtemp(), "test_toy2.py")
open(_source, "w").write(_BODY)
_suite = os.path.join(_ROOT, "tests", "katas", "test_toy2.py")
for _target in (importlib.util.cache_from_source(_suite),
                _suite.replace("test_toy2.py", "__pycache__/test_toy2.cpython-311-pytest.pyc")):
    try:
        os.makedirs(os.path.dirname(_target), exist_ok=True)
        py_compile.compile(_source, cfile=_target)
    except Exception:
        pass
''' + NOTHING),
    "pth-file-in-site-packages": ("persist", '''
import sysconfig

for _key in ("purelib", "platlib"):
    try:
        open(sysconfig.get_paths()[_key] + "/zz_kata_{marker}.pth", "w").write(
            "import os; os.environ['KATA_OWNED'] = '1'\\n")
    except OSError:
        pass
''' + NOTHING),
    "files-left-for-the-next-run": ("persist", '''
import os, tempfile

for _folder in (tempfile.gettempdir(), os.path.expanduser("~"), os.getcwd(),
                os.path.dirname(os.path.abspath(__file__)), "/dev/shm"):
    try:
        open(os.path.join(_folder, "left_by_{marker}.py"), "w").write("OWNED = True\\n")
    except OSError:
        pass
''' + NOTHING),
    "pristine-tests-rewritten": ("persist", '''
import os

for _name in ("test_toy.py", "test_toy2.py"):
    try:
        open(os.path.join({root!r}, "tests", "katas", _name), "w").write(
            "def test_add_returns_the_sum():\\n    pass\\n")
    except OSError:
        pass
''' + NOTHING),
    # 3. reading the answers
    "solutions-read-and-run": ("answers", '''
import os

for _path in (os.path.join({root!r}, "solutions", "toy.py"), "solutions/toy.py",
              "../solutions/toy.py"):
    try:
        exec(open(_path).read())
        break
    except OSError:
        pass
else:
''' + textwrap.indent(NOTHING, "    ")),
    # 4. sabotaging a classmate
    "classmates-files-overwritten": ("classmate", '''
import glob, os

for _path in glob.glob("/tmp/kata-class-*/s*/*.py") + glob.glob("/tmp/*/kata-class-*/s*/*.py"):
    try:
        open(_path, "w").write("raise SystemExit('sabotaged')\\n")
    except OSError:
        pass
''' + NOTHING),
    # 5. escaping: processes, disk, memory of the runner
    "setsid-chain-of-150": ("escape", '''
import ctypes, os, time


def _chain(depth):
    if os.fork() == 0:
        os.setsid()
        ctypes.CDLL(None).prctl(15, b"{marker}", 0, 0, 0)
        if depth:
            _chain(depth - 1)
        time.sleep(1000)
        os._exit(0)


_chain(150)
time.sleep(0.5)
''' + NOTHING),
    "fork-bomb": ("escape", '''
import ctypes, os, time

_made = 0
try:
    for _ in range(5000):
        if os.fork() == 0:
            ctypes.CDLL(None).prctl(15, b"{marker}", 0, 0, 0)
            time.sleep(1000)
            os._exit(0)
        _made += 1
except OSError:
    pass
''' + NOTHING),
    "two-gib-on-disk": ("escape", '''
import os, tempfile

_chunk = b"x" * (16 * 2**20)
for _folder in (tempfile.gettempdir(), os.path.dirname(os.path.abspath(__file__)), "/dev/shm"):
    try:
        with open(os.path.join(_folder, "big_{marker}"), "wb") as _out:
            for _ in range(128):
                _out.write(_chunk)
    except (OSError, MemoryError):
        pass
''' + NOTHING),
    "channel-and-log-flooded": ("escape", FORGED + '''
_blob = _json.dumps({"event": "phase", "name": "x", "when": "call", "status": "passed",
                     "message": "x" * 60000}).encode()
for _ in range(400):  # 24 MB: three times what the runner keeps of a run
    try:
        _os.write(_FD, _blob)
    except OSError:
        break
for _fd in (2, "/proc/%d/fd/2" % _os.getppid()):
    try:
        _out = _fd if isinstance(_fd, int) else _os.open(_fd, _os.O_WRONLY)
        for _ in range(300):
            _os.write(_out, b"y" * 2**20)
    except OSError:
        pass
''' + NOTHING),
    # 6. what the static check must see through
    "static-evasions": ("static", '''
import os
import sys
from os import kill

_exit = getattr(os, "_" + "exit")
_grader = sys.modules.get("gr" + "ader")
_where = "te" + "sts" + "/katas"
_kill = kill
''' + NOTHING),
}
KINDS = {"forge", "persist", "answers", "classmate", "escape", "static"}
STATIC_FLAGS = ["getattr(os, '_exit')", "imports grader", "imports os.kill", "'tests/katas'"]


def attack_source(name: str, root: Path, marker: str) -> str:
    return ATTACKS[name][1].replace("{root!r}", repr(str(root))).replace("{marker}", marker)


# A toy2 that passes only if nothing from an earlier run is there to be found.
PROBE = TOY2_SOLUTION + '''

import glob as _glob, os as _os, tempfile as _tempfile

_LEFT = []
for _folder in (_tempfile.gettempdir(), _os.path.expanduser("~"), _os.getcwd(),
                _os.path.dirname(_os.path.abspath(__file__)), "/dev/shm"):
    _LEFT += _glob.glob(_os.path.join(_folder, "left_by_*")) + _glob.glob(
        _os.path.join(_folder, "big_*"))
if _LEFT or _os.environ.get("KATA_OWNED"):
    raise RuntimeError(f"an earlier run left {_LEFT}")
'''


def check_attack(name: str, toy: dict, marker: str, seen: set[int]) -> None:
    """What every attack must come to: no pass, and nothing of it left running."""
    assert toy["score"] == 0 and toy["status"] != "passed", (name, toy)
    if ATTACKS[name][0] == "forge" and toy["status"] != "crashed":
        assert toy["status"] == "tampered" and toy["tampered"], (name, toy)
    if ATTACKS[name][0] == "static":
        for flag in STATIC_FLAGS:
            assert any(flag in f for f in toy["flags"]), (flag, toy["flags"])
    nothing_survives(sorted(seen), marker)


def test_every_kind_of_attack_is_covered() -> None:
    assert {kind for kind, _ in ATTACKS.values()} == KINDS


# --- path 1: `kata grade` in the learner's repository -------------------------------------------


@pytest.mark.parametrize("name", list(ATTACKS))
def test_kata_grade_withstands(name: str, repo: Path, kata) -> None:
    marker = short_marker()
    write(repo / "katas" / "toy.py", attack_source(name, repo, marker))
    write(repo / "katas" / "toy2.py", PROBE)
    before = {p: p.read_bytes() for p in (repo / "tests").rglob("*") if p.is_file()}
    with Sightings(marker) as seen:
        result = kata("grade", "--format", "json", "-j", "1")  # toy, then toy2 on one worker
    clean(result)
    assert result.exit_code in (0, 3), result.output
    data = json.loads(result.stdout)
    assert data["sandboxed"] is True
    graded = {k["slug"]: k for k in data["katas"]}
    check_attack(name, graded["toy"], marker, seen.pids)
    assert graded["toy2"]["status"] == "passed", graded["toy2"]  # nothing reached the next run
    after = {p: p.read_bytes() for p in (repo / "tests").rglob("*") if p.is_file()}
    assert after == before  # nothing written into the tests, no bytecode
    assert not list(Path(sys.prefix).rglob(f"zz_kata_{marker}.pth"))
    # and a later grade of the untouched stubs owes the attack nothing
    write(repo / "katas" / "toy.py", TOY_SOLUTION)
    write(repo / "katas" / "toy2.py", TOY2_STUB)
    later = kata("grade", "--format", "json")
    clean(later)
    assert [k["tests_passed"] for k in json.loads(later.stdout)["katas"]] == [3, 0]


# --- path 2: `kata grade-all` on a teacher's machine -------------------------------------------


def grade_class(teacher: Path, root: Path, out: Path) -> dict[str, dict[str, str]]:
    result = CliRunner().invoke(main, ["--repo", str(teacher), "--no-color", "grade-all",
                                       str(root), "-o", str(out), "-j", "2"])
    assert result.exit_code == 0, clean(result)
    with (out / "grades.csv").open(newline="", encoding="utf-8") as rows:
        return {row["learner"]: row for row in csv.DictReader(rows)}


def honest_class(root: Path) -> None:
    write(root / "honest-full" / "katas" / "toy.py", TOY_SOLUTION)
    write(root / "honest-full" / "katas" / "toy2.py", TOY2_SOLUTION)
    write(root / "honest-half" / "katas" / "toy2.py", TOY2_SOLUTION)
    write(root / "honest-probe" / "katas" / "toy.py", TOY_SOLUTION)
    write(root / "honest-probe" / "katas" / "toy2.py", PROBE)


def test_grade_all_gives_every_other_learner_the_grade_of_a_class_without_the_attacker(
        tmp_path: Path) -> None:
    teacher = build_repo(tmp_path / "teacher")
    pristine = {p: p.read_bytes() for p in (teacher / "tests").rglob("*") if p.is_file()}
    clean_class, attacked = tmp_path / "clean", tmp_path / "attacked"
    honest_class(clean_class)
    honest_class(attacked)
    markers, prefix = {}, "kg" + os.urandom(3).hex()
    for index, name in enumerate(ATTACKS):
        markers[name] = f"{prefix}{index:02d}"
        write(attacked / f"attacker-{name}" / "katas" / "toy.py",
              attack_source(name, teacher, markers[name]))
        write(attacked / f"attacker-{name}" / "katas" / "toy2.py", TOY2_STUB)
    expected = grade_class(teacher, clean_class, tmp_path / "out-clean")
    with Sightings(prefix) as seen:
        got = grade_class(teacher, attacked, tmp_path / "out-attacked")
    for learner, row in expected.items():  # the honest learners: the very same row
        assert got[learner] == row, (learner, got[learner], row)
    for name in ATTACKS:
        row = got[f"attacker-{name}"]
        assert row["score"] == "0" and row["toy"] == "0", (name, row)
        if ATTACKS[name][0] == "static":
            for flag in STATIC_FLAGS:
                assert flag in row["warnings"], (flag, row["warnings"])
    report = json.loads((tmp_path / "out-attacked" / "class-report.json").read_text())
    for name, marker in markers.items():
        statuses = report["katas"][0]["statuses"]
        assert statuses.get("passed", 0) == 2, (name, statuses)  # honest-full and honest-probe
        nothing_survives(sorted(seen.pids), marker)
    after = {p: p.read_bytes() for p in (teacher / "tests").rglob("*") if p.is_file()}
    assert after == pristine


# --- path 3: the Classroom50 autograder ---------------------------------------------------------


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("release")
    teacher = build_repo(base / "teacher")
    write(teacher / "pyproject.toml", '[project]\nname = "toy-katas"\nversion = "0.1.0"\n')
    result = CliRunner().invoke(main, ["--repo", str(teacher), "release", str(base / "course")])
    assert result.exit_code == 0, clean(result)
    # the bundle holds the references that a pass reveals: "solutions-read-and-run" aims at them
    assert (base / "course-teacher" / "solutions" / "toy.py").read_text() == TOY_SOLUTION
    return base / "course-teacher"


def run_autograder(bundle: Path, checkout: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "KATA_TREE", "PYTEST_ADDOPTS", "KATA_NO_SANDBOX")}
    env.update(CLASSROOM50, CLASSROOM50_BUNDLE_DIR=str(bundle))
    return subprocess.run([sys.executable, str(bundle / "autograder.py")], cwd=checkout,
                          env=env, capture_output=True, text=True, timeout=150)


@pytest.mark.parametrize("name", list(ATTACKS))
def test_the_classroom50_autograder_withstands(name: str, bundle: Path, tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    marker = short_marker()
    write(checkout / "katas" / "toy.py", attack_source(name, bundle, marker))
    write(checkout / "katas" / "toy2.py", PROBE)
    with Sightings(marker) as seen:
        proc = run_autograder(bundle, checkout)
    assert proc.returncode == 0, proc.stderr
    result = json.loads((checkout / "result.json").read_text())
    body = (checkout / "release-body.md").read_text()
    assert result["sandboxed"] is True
    tests = {t["test-name"]: t for t in result["tests"]}
    assert tests["toy"]["passed"] is False and tests["toy"]["score"] == 0, (name, tests)
    assert tests["toy2"]["passed"] is True, (name, body)
    if ATTACKS[name][0] == "forge" and "crashed" not in body:
        assert "tampered" in body, (name, body)
    if ATTACKS[name][0] == "static":
        for flag in STATIC_FLAGS:
            assert any(flag in w for w in result["warnings"]), (flag, result["warnings"])
            assert flag.replace("'", "'") in body, (flag, body)
    nothing_survives(sorted(seen.pids), marker)
    assert not survivors(marker)


# --- the runner's own memory --------------------------------------------------------------------

MEASURE = """
import resource, sys
from grader.cli import main
try:
    main(sys.argv[1:])
finally:
    print("MAXRSS", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def test_the_runners_memory_stays_bounded_whatever_the_run_writes(repo: Path) -> None:
    write_catalogue(repo, KATAS, {"wall_clock": 60, "test_timeout": 10})
    write(repo / "katas" / "toy.py", attack_source("channel-and-log-flooded", repo, "khflood"))
    proc = subprocess.run([sys.executable, "-c", MEASURE, "--repo", str(repo), "grade",
                           "--format", "json", "toy"], capture_output=True, text=True, timeout=150)
    peak_kib = int(proc.stderr.rsplit("MAXRSS", 1)[1].split()[0])
    assert peak_kib < 200 * 1024, f"the runner peaked at {peak_kib / 1024:.0f} MiB"
    toy = json.loads(proc.stdout)["katas"][0]
    assert toy["status"] == "tampered" and "flooded" in " ".join(toy["tampered"]), toy
    assert shutil.which("bwrap")


# --- bytecode planted in the repository, and warm workers --------------------------------------


def plant_forged_bytecode(suite: Path, tests: list[str]) -> Path:
    """pytest's cache of ``suite``, keyed to the pristine source, holding tests that pass."""
    import importlib.util
    import inspect
    import types

    from _pytest.assertion import rewrite

    forged = compile("".join(f"def {name}():\n    pass\n" for name in tests), str(suite), "exec")
    pyc = suite.parent / "__pycache__" / f"{suite.stem}{rewrite.PYC_TAIL}"
    pyc.parent.mkdir(exist_ok=True)
    key = (importlib.util.source_hash(suite.read_bytes())
           if "source_hash" in inspect.signature(rewrite._write_pyc).parameters  # pytest >= 9
           else os.stat(suite))  # older pytest: keyed by mtime and size
    assert rewrite._write_pyc(types.SimpleNamespace(trace=lambda *_: None), forged, key, pyc)
    return pyc


def test_bytecode_planted_in_the_tests_folder_is_never_read(repo: Path, kata) -> None:
    # A learner's repository could carry a pytest cache of a pristine suite, valid for its
    # source, whose tests pass on anything; the manifest check skips __pycache__.
    write(repo / "katas" / "toy.py", NOTHING)
    plant_forged_bytecode(repo / "tests" / "katas" / "test_toy.py", TOY_TESTS)
    result = kata("grade", "--format", "json", "toy")
    clean(result)
    toy = json.loads(result.stdout)["katas"][0]
    assert toy["tests_passed"] == 0 and toy["status"] == "failed", toy


def test_a_watch_keeps_its_warm_worker_from_one_check_to_the_next(repo: Path) -> None:
    # bwrap --die-with-parent follows the thread that started the worker: a worker started on
    # a check's pool thread died when that check ended, and every save paid a cold start.
    from grader.catalogue import load
    from grader.running.runner import WorkerPool, run_many

    catalogue = load(repo)
    toy = catalogue.get("toy")
    with WorkerPool(repo, [toy], 1) as warm:
        run_many(catalogue, [toy], workers=warm)
        first = warm.all[0].proc.pid
        run_many(catalogue, [toy], workers=warm)
        assert warm.all[0].proc.poll() is None and warm.all[0].proc.pid == first
