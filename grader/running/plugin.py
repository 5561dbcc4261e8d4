"""The pytest plugin behind every kata suite.

It does two jobs and nothing else:

* **The switch.** ``--kata-tree`` (fallback: the ``KATA_TREE`` environment variable, default
  ``katas``) chooses which tree answers ``import <slug>``: the learner's ``katas/``, the reference
  ``solutions/``, the pristine ``stubs`` (``tests/stubs/``), or a directory (a mutant built by
  ``kata verify``). The pytest header names it; a wrong value is a usage error.
* **The record.** ``--kata-report FILE`` writes one JSON object per line: what was collected,
  each test's outcome with a short learner-facing message, and a final ``finished`` line. The
  runner reads this file, never the suite's stdout, which the learner's code controls.
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

import pytest
from _pytest.logging import caplog_records_key  # what pytest's logging plugin captured per phase

TREES = {"katas": "katas", "solutions": "solutions", "stubs": "tests/stubs"}
ENV_TREE = "KATA_TREE"
ENV_TREE_PATH = "KATA_TREE_PATH"  # exported so that child processes (gunicorn) import the same tree
MESSAGE_LIMIT = 600
TREE_KEY = pytest.StashKey[tuple[str, Path]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("kata")
    group.addoption(
        "--kata-tree",
        default=None,
        help=f"tree that answers `import <slug>`: {', '.join(TREES)} or a directory "
        f"(default: ${ENV_TREE}, else katas)",
    )
    group.addoption("--kata-report", default=None, help="write per-test results as JSON lines here")


def resolve_tree(value: str, root: Path) -> tuple[str, Path]:
    if value in TREES:
        path = root / TREES[value]
    else:
        path = Path(value)
        if not path.is_absolute():
            path = root / path
    if not path.is_dir():
        raise pytest.UsageError(
            f"--kata-tree / ${ENV_TREE}: {value!r} is neither one of {', '.join(TREES)} "
            f"nor an existing directory"
        )
    return (value if value in TREES else "directory"), path.resolve()


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "task(n): the numbered task of the kata README it grades")
    value = config.getoption("kata_tree") or os.environ.get(ENV_TREE) or "katas"
    name, path = resolve_tree(value, config.rootpath)
    config.stash[TREE_KEY] = (name, path)
    sys.path.insert(0, str(path))
    os.environ[ENV_TREE_PATH] = str(path)
    report = config.getoption("kata_report")
    if report:
        config.pluginmanager.register(Recorder(Path(report), path), "kata-recorder")
        config.pluginmanager.register(ShortReports(path), "kata-short-reports")


def pytest_report_header(config: pytest.Config) -> str:
    name, path = config.stash[TREE_KEY]
    return f"kata tree: {name} ({path})"


@pytest.fixture
def kata_tree(request: pytest.FixtureRequest) -> Path:
    """The directory whose modules the suite is grading (for tests that start subprocesses)."""
    return request.config.stash[TREE_KEY][1]


@pytest.fixture
def free_port() -> int:
    """A free TCP port on the loopback interface (bound, read, released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def task_of(item: pytest.Item) -> int | None:
    marker = item.get_closest_marker("task")
    if marker is None:
        return None
    return marker.args[0] if marker.args else marker.kwargs.get("taskno")


class Recorder:
    """Writes the run as JSON lines, flushing each line so that a crash keeps what came before."""

    def __init__(self, path: Path, tree: Path) -> None:
        self.tree = tree
        self.file = path.open("a", encoding="utf-8")
        self.tests: dict[str, dict] = {}

    def write(self, record: dict) -> None:
        self.file.write(json.dumps(record) + "\n")
        self.file.flush()

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.write(
                {
                    "event": "collect_error",
                    "where": report.nodeid,
                    "message": _collect_message(report, self.tree),
                }
            )

    def pytest_internalerror(self, excrepr: object, excinfo: pytest.ExceptionInfo) -> None:
        # e.g. sys.exit() while the learner's module is imported: pytest gives up on the session
        detail = _describe(excinfo, self.tree)
        where = f" ({detail['where'].rsplit(':', 1)[0]})" if detail["where"] else ""
        self.write({"event": "collect_error", "where": "", "message": detail["message"] + where})

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.write(
            {
                "event": "collected",
                "tests": [{"name": i.nodeid, "task": task_of(i)} for i in session.items],
            }
        )

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        try:
            report = yield
        except Exception as exc:  # pytest could not describe the failure: still a failure
            report = pytest.TestReport(
                item.nodeid,
                item.location,
                {},
                "failed",
                f"{type(exc).__name__} while reporting",
                call.when,
                duration=call.duration,
                start=call.start,
                stop=call.stop,
            )
        if call.excinfo is not None and not report.passed and not hasattr(report, "kata"):
            logged = _logged(item, call.when)
            report.kata = _describe(call.excinfo, self.tree, logged)  # type: ignore[attr-defined]
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        test = self.tests.setdefault(
            report.nodeid,
            {
                "event": "test",
                "name": report.nodeid,
                "status": "passed",
                "message": "",
                "where": None,
                "duration": 0.0,
            },
        )
        test["duration"] += report.duration
        if report.failed or report.skipped:
            detail = getattr(report, "kata", None) or {
                "kind": "failed",
                "message": "",
                "where": None,
            }
            if report.skipped:
                detail = {
                    "kind": "skipped",
                    "where": None,
                    "message": "skipped: " + _skip_reason(report),
                }
            elif report.when != "call" and detail["kind"] == "failed":
                detail = {**detail, "kind": "error"}
            if test["status"] == "passed":  # the first problem is the one worth reading
                test.update(status=detail["kind"], message=detail["message"], where=detail["where"])
        if report.when == "teardown":
            test["task"] = task_of_nodeid(report)
            self.write(self.tests.pop(report.nodeid))

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        self.write({"event": "finished", "exitstatus": int(exitstatus), "time": time.time()})
        self.file.close()


class ShortReports:
    """In graded runs, a failure's report carries our short message instead of pytest's full
    traceback, whose formatting is most of the cost of a failing run. Authors running plain
    pytest keep the full traceback."""

    def __init__(self, tree: Path) -> None:
        self.tree = tree

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        excinfo = call.excinfo
        if (
            excinfo is None
            or item.get_closest_marker("xfail") is not None
            or excinfo.errisinstance((pytest.skip.Exception, pytest.xfail.Exception))
        ):
            return None  # pytest's own report
        detail = _describe(excinfo, self.tree, _logged(item, call.when))
        report = pytest.TestReport(
            item.nodeid,
            item.location,
            {k: 1 for k in item.keywords},
            "failed",
            detail["message"],
            call.when,
            duration=call.duration,
            start=call.start,
            stop=call.stop,
            user_properties=item.user_properties,
        )
        report.kata = detail  # type: ignore[attr-defined]
        return report


def task_of_nodeid(report: pytest.TestReport) -> int | None:
    for name, value in report.user_properties:
        if name == "task":
            return value
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    task = task_of(item)
    if task is not None:
        item.user_properties.append(("task", task))


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def _describe(
    excinfo: pytest.ExceptionInfo, tree: Path, logged: Sequence[logging.LogRecord] = ()
) -> dict:
    """A short message for a learner: the exception and the line of *their* file it came from
    (or, if the failure's traceback never passed through their file, from a traceback their
    code logged)."""
    exc = excinfo.value
    kind = "failed"
    if isinstance(exc, MemoryError):
        kind = "memory"
    elif isinstance(exc, pytest.fail.Exception) and str(exc).startswith("Timeout"):
        kind = "timeout"
    elif isinstance(exc, pytest.skip.Exception):
        kind = "skipped"
    elif isinstance(exc, SystemExit):
        kind = "exit"  # the code under test tried to end the process
    if isinstance(exc, AssertionError):
        message = _assertion(str(exc).strip() or "assertion failed")
    else:
        message = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    where = _learner_frame(excinfo.tb, tree) or _logged_frame(logged, tree)
    return {"kind": kind, "message": _clip(message), "where": where}


def _logged(item: pytest.Item, when: str) -> list[logging.LogRecord]:
    return item.stash.get(caplog_records_key, {}).get(when, [])


def _logged_frame(records: Sequence[logging.LogRecord], tree: Path) -> str | None:
    """The learner's line in the last error logged with a traceback through their file: Flask
    logs the exception it turned into a 500, which the test only sees as a status code."""
    for record in reversed(records):
        if record.levelno >= logging.ERROR and record.exc_info and record.exc_info[2]:
            frame = _learner_frame(record.exc_info[2], tree)
            if frame:
                error = record.exc_info[1]
                return _clip(f"{frame}  (logged: {type(error).__name__}: {error})")
    return None


def _assertion(text: str) -> str:
    """The test's own message, then pytest's one-line comparison; no diff noise."""
    lines = [ln.rstrip() for ln in text.splitlines() if "Use -v to get" not in ln]
    comparison = next((i for i, ln in enumerate(lines) if ln.startswith("assert ")), None)
    if comparison is None:
        return "\n".join(lines).strip()
    keep = lines[: comparison + 1] if comparison else lines[:8]
    return "\n".join(ln for ln in keep if ln.strip())


def _learner_frame(tb, tree: Path) -> str | None:
    """The deepest traceback line inside the tree under test, as ``katas/x.py:12: code``."""
    found = None
    for frame in traceback.extract_tb(tb):
        path = Path(frame.filename)
        if path.is_relative_to(tree):
            shown = f"{tree.name}/{path.relative_to(tree)}"
            found = f"{shown}:{frame.lineno}: {(frame.line or '').strip()}"
    return found


def _collect_message(report: pytest.CollectReport, tree: Path) -> str:
    """Turn an import or syntax error in the learner's module into one plain sentence."""
    text = str(report.longrepr)
    lines = [line.strip().removeprefix("E").strip() for line in text.splitlines() if line.strip()]
    error = next((line for line in reversed(lines) if _ERROR_LINE.match(line)), None)
    if error is None:
        return _clip(lines[-1] if lines else "the suite could not be collected")
    where = ""
    for match in _FILE_LINE.finditer(text):
        path = Path(match.group(1))
        if path.is_relative_to(tree):
            where = f" ({tree.name}/{path.relative_to(tree)}, line {match.group(2)})"
    return _clip(error + where)


_ERROR_LINE = re.compile(r"^[A-Z]\w*(Error|Exception|Exit|Interrupt)\b|^unittest\.")
_FILE_LINE = re.compile(r'File "([^"]+)", line (\d+)')


def _clip(text: str) -> str:
    if len(text) <= MESSAGE_LIMIT:
        return text
    return text[:MESSAGE_LIMIT] + f"… [{len(text) - MESSAGE_LIMIT} more characters cut]"
