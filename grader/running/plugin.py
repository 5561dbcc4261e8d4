"""The pytest plugin behind every kata suite.

It does two jobs and nothing else:

* **The switch.** ``--kata-tree`` (fallback: the ``KATA_TREE`` environment variable, default
  ``katas``) chooses which tree answers ``import <slug>``: the learner's ``katas/``, the reference
  ``solutions/``, the pristine ``stubs`` (``tests/stubs/``), or a directory (a mutant built by
  ``kata verify``). The pytest header names it; a wrong value is a usage error.
* **The record.** ``--kata-report fd:N`` (the runner's result channel) or ``--kata-report FILE``
  sends one JSON record per event: what was collected (with a digest of every test function's
  code), each phase of each test with a short learner-facing message, and a final ``finished``
  record with what the watch on in-process forgery found. The runner reads these records, never
  the suite's stdout, which the learner's code controls.
"""

from __future__ import annotations

import hashlib
import json
import linecache
import logging
import os
import re
import socket
import sys
import threading
import time
import types
from collections.abc import Sequence
from pathlib import Path

import pytest
from _pytest.logging import caplog_records_key  # what pytest's logging plugin captured per phase

from grader.running import channel

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
    group.addoption(
        "--kata-report",
        default=None,
        help="send per-test results as JSON records to this file, or to the channel fd:N",
    )


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
        config.pluginmanager.register(Recorder(report, path, config), "kata-recorder")
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
    """Sends the run, one record per phase of each test, on the result channel (``fd:N``) or
    into a file (authors running pytest by hand). Every record leaves at once, so a crash keeps
    what came before, and nothing is held back that code in this process could rewrite later.

    It also watches for in-process forgery (see ``Watch``): the sandbox cannot stop code in the
    same interpreter from lying, so the lies it can tell are looked for, and reported.
    """

    def __init__(self, target: str, tree: Path, config: pytest.Config) -> None:
        self.tree = tree
        self.config = config
        self.fd: int | None = None
        self.file = None
        if target.startswith("fd:"):
            self.fd = int(target[3:])
        else:
            self.file = Path(target).open("a", encoding="utf-8")
        self.watch: Watch | None = None

    def write(self, record: dict) -> None:
        if self.fd is not None:
            channel.send(self.fd, record)
        else:
            self.file.write(json.dumps(record) + "\n")
            self.file.flush()

    @pytest.hookimpl(trylast=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        # After pytest's own set-up (the fixture manager registers itself then), and before
        # collection, so before any of the learner's code has run in this process.
        self.watch = Watch(self, session.config)

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
        tests = [
            {"name": i.nodeid, "task": task_of(i), "code": function_digest(i)}
            for i in session.items
        ]
        record = {"event": "collected", "tests": tests}
        if session.items:
            record["suite"] = suite_digest(session.items)
        if self.watch is not None:
            record["integrity"] = self.watch.problems()
        self.write(record)

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function):
        # The code that really runs, checked just before and after it runs.
        before = function_digest(pyfuncitem)
        traced = self.watch.tracing() if self.watch else []
        try:
            return (yield)
        finally:
            after = function_digest(pyfuncitem)
            traced += self.watch.tracing() if self.watch else []
            pyfuncitem.stash[CALLED] = (before, after, traced)

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
        if call.when == "call" and CALLED in item.stash:
            report.kata_called = item.stash[CALLED]  # type: ignore[attr-defined]
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        detail = getattr(report, "kata", None) or {"kind": "failed", "message": "", "where": None}
        if report.passed:
            kind, message, where = "passed", "", None
        elif report.skipped:
            kind, message, where = "skipped", "skipped: " + _skip_reason(report), None
        else:
            kind, message, where = detail["kind"], detail["message"], detail["where"]
            if report.when != "call" and kind == "failed":
                kind = "error"
        record = {
            "event": "phase",
            "name": report.nodeid,
            "when": report.when,
            "status": kind,
            "message": message,
            "where": where,
            "duration": report.duration,
        }
        called = getattr(report, "kata_called", None)
        if called is not None:
            record["code"], record["code_after"], record["traced"] = called
        self.write(record)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        record = {"event": "finished", "exitstatus": int(exitstatus), "time": time.time()}
        if session.items:
            record["suite"] = suite_digest(session.items)
        if self.watch is not None:
            record["integrity"] = self.watch.problems()
        self.write(record)
        if self.file is not None:
            self.file.close()


CALLED = pytest.StashKey[tuple]()


# --- what a forgery inside this process would have to change -------------------------------


def _const(value: object) -> str:
    """A constant as text that is the same in every process (set order varies with the hash
    seed, so sets are sorted)."""
    if isinstance(value, types.CodeType):
        return code_digest(value)
    if isinstance(value, frozenset | set):
        return "{" + ",".join(sorted(_const(v) for v in value)) + "}"
    if isinstance(value, tuple):
        return "(" + ",".join(_const(v) for v in value) + ")"
    return repr(value)


def code_digest(code: types.CodeType) -> str:
    """What a code object does: its bytecode, names and constants, not where it lives."""
    digest = hashlib.sha256()
    digest.update(code.co_code)
    digest.update(getattr(code, "co_exceptiontable", b""))
    for names in (code.co_names, code.co_varnames, code.co_freevars, code.co_cellvars):
        digest.update(repr(names).encode())
    digest.update(",".join(_const(c) for c in code.co_consts).encode())
    return digest.hexdigest()[:16]


def function_digest(item: pytest.Item) -> str | None:
    func = getattr(item, "obj", None)
    code = getattr(func, "__code__", None)
    # pytest-asyncio runs an async test through a synchronous wrapper of its own: look through it.
    if isinstance(code, types.CodeType) and code.co_filename.startswith(_ASYNCIO):
        code = getattr(getattr(func, "__wrapped__", None), "__code__", None)
    return code_digest(code) if isinstance(code, types.CodeType) else None


def _package_dir(name: str) -> str:
    import importlib.util

    spec = importlib.util.find_spec(name)
    origin = spec.origin if spec and spec.origin else None
    return os.path.dirname(origin) + os.sep if origin else "\0"


_ASYNCIO = _package_dir("pytest_asyncio")


def suite_digest(items: list[pytest.Item]) -> str:
    """Every function and method the test modules define (and the shared kata_support helpers):
    swapping any of their code objects changes this."""
    modules = {id(m): m for i in items if (m := getattr(i, "module", None)) is not None}
    support = sys.modules.get("kata_support")
    if support is not None:
        modules[id(support)] = support
    parts = []
    for module in sorted(modules.values(), key=lambda m: m.__name__):
        for name, value in sorted(vars(module).items()):
            for qualname, code in _codes(module.__name__, name, value):
                parts.append(f"{module.__name__}.{qualname}:{code_digest(code)}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _codes(module: str, name: str, value: object):
    # A test module's own functions, and the kata_support helpers it imports: a name rebound
    # to anything else (the learner's code) drops out, and the digest changes with it.
    if isinstance(value, types.FunctionType) and value.__module__ in (module, "kata_support"):
        yield name, value.__code__
    elif isinstance(value, type) and value.__module__ == module:
        for attr, member in sorted(vars(value).items()):
            func = getattr(member, "__func__", member)
            if isinstance(func, types.FunctionType):
                yield f"{name}.{attr}", func.__code__


WATCHED = ("_pytest", "pytest", "pluggy", "grader", "builtins")


class Watch:
    """A snapshot, taken before any learner code ran, of what the run trusts: the registered
    plugins and hook implementations, the functions and classes of pytest, pluggy and the
    grader, the builtins, the recorder and the config. ``problems()`` lists what has changed
    since, and any profile or trace hook (the tool of code-object swaps and line jumps)."""

    def __init__(self, recorder: Recorder, config: pytest.Config) -> None:
        self.recorder = recorder
        self.config = config
        self.pm = config.pluginmanager
        self.plugins = {id(p): n for n, p in self.pm.list_name_plugin()}
        self.hooks = self._hooks()
        self.attributes = self._attributes()
        self.recorder_class = dict(vars(Recorder))
        self._gettrace, self._getprofile = sys.gettrace, sys.getprofile

    def _hooks(self) -> dict[str, list[tuple[int, object]]]:
        return {
            name: [(id(i.plugin), i.function) for i in caller.get_hookimpls()]
            for name, caller in vars(self.pm.hook).items()
            if hasattr(caller, "get_hookimpls")
        }

    @staticmethod
    def _attributes() -> dict[tuple[str, ...], object]:
        found: dict[tuple[str, ...], object] = {}
        for name, module in list(sys.modules.items()):
            if module is None or not name.startswith(WATCHED):
                continue
            for attr, value in list(vars(module).items()):
                if not callable(value):
                    continue
                found[(name, attr)] = value
                # builtin types cannot be patched; classes of the watched modules can
                if name != "builtins" and isinstance(value, type) and value.__module__ == name:
                    for key, member in list(vars(value).items()):
                        if callable(member) or isinstance(member, staticmethod | classmethod):
                            found[(name, attr, key)] = member
        return found

    def tracing(self) -> list[str]:
        found = []
        if self._gettrace() is not None:
            found.append("a trace function is set (sys.settrace)")
        if self._getprofile() is not None:
            found.append("a profile function is set (sys.setprofile)")
        if getattr(threading, "_trace_hook", None) or getattr(threading, "_profile_hook", None):
            found.append("a trace or profile function is set for new threads")
        monitoring = getattr(sys, "monitoring", None)
        if monitoring is not None and any(monitoring.get_tool(i) for i in range(6)):
            found.append("a sys.monitoring tool is registered")
        return found

    def problems(self) -> list[str]:
        found = self.tracing()
        now = {id(p): n for n, p in self.pm.list_name_plugin()}
        found += [f"a plugin was registered: {n}" for i, n in now.items() if i not in self.plugins]
        hooks = self._hooks()
        for name, impls in self.hooks.items():
            if hooks.get(name) != impls:
                found.append(f"the implementations of the hook {name} were changed")
        found += [f"a hook implementation was added: {n}" for n in hooks if n not in self.hooks
                  and hooks[n]]
        for key, value in self.attributes.items():
            module = sys.modules.get(key[0])
            owner = module if len(key) == 2 else getattr(module, key[1], None)
            current = vars(owner).get(key[-1], _GONE) if owner is not None else _GONE
            if current is not value:
                found.append(f"{'.'.join(key)} was replaced")
        if self.pm.get_plugin("kata-recorder") is not self.recorder or type(self.recorder) is not (
            Recorder
        ):
            found.append("the recorder was replaced")
        if dict(vars(Recorder)) != self.recorder_class or set(vars(self.recorder)) - RECORDER_STATE:
            found.append("the recorder was changed")
        if self.recorder.config is not self.config or type(self.config) is not pytest.Config:
            found.append("the config was replaced")
        return found[:20]


_GONE = object()
RECORDER_STATE = {"tree", "config", "fd", "file", "watch"}


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
    """The deepest traceback line inside the tree under test, as ``katas/x.py:12: code``.

    Walks the frames by hand: ``traceback.extract_tb`` reads the source line and works out the
    column range of every frame, which is most of the cost of a failing run's report."""
    inside = f"{tree}{os.sep}"
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith(inside):
            found = filename, tb.tb_lineno
        tb = tb.tb_next
    if found is None:
        return None
    filename, lineno = found
    shown = f"{tree.name}/{Path(filename).relative_to(tree).as_posix()}"
    return f"{shown}:{lineno}: {linecache.getline(filename, lineno).strip()}"


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
