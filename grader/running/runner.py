"""Run one kata's suite in an isolated child process and say, as data, what happened.

The chain is plain functions, as in nox: build the command, run it under a wall clock, read the
plugin's JSON-lines record, and judge it against the tests the *pristine* suite collects. The
child's stdout is never read: the learner's code controls it.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import os
import queue
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from grader.catalogue import Catalogue, Kata

# Environment variables that would let the learner's shell change what is graded.
SCRUBBED = (
    "PYTEST_ADDOPTS",
    "PYTEST_PLUGINS",
    "PYTHONPATH",
    "PYTHONSTARTUP",
    "PYTHONHOME",
    "PYTHONSAFEPATH",
    "PYTHONINSPECT",
    "KATA_TREE",
    "KATA_TREE_PATH",
    "COV_CORE_SOURCE",
)
# pytest exit codes that mean the session stopped short, not that tests failed
INTERRUPTED = {
    2: "the run was interrupted (KeyboardInterrupt raised by the code under test?)",
    3: "pytest stopped with an internal error",
    4: "pytest was called wrongly",
}
GRACE = 2.0  # seconds the supervisor gets to clean up after the wall clock runs out


@dataclass
class TestResult:
    name: str
    task: int | None
    status: str  # passed, failed, error, skipped, timeout, memory, exit, missing
    message: str = ""
    where: str | None = None
    duration: float = 0.0

    @property
    def hidden(self) -> bool:
        """A teacher's extra test: counted, but its name and code stay out of the feedback."""
        return not self.name.startswith("tests/katas/")

    @property
    def title(self) -> str:
        """The plain-language name a learner reads: ``test_retry_reraises`` → ``retry reraises``."""
        func = self.name.rpartition("::")[2]
        base, _, params = func.partition("[")
        title = base.removeprefix("test_").replace("_", " ")
        return f"{title} [{params}" if params else title


@dataclass
class KataResult:
    slug: str
    status: str
    cause: str = ""  # why it crashed, timed out or errored, in one line
    tests: list[TestResult] = field(default_factory=list)
    duration: float = 0.0
    tampered: list[str] = field(default_factory=list)  # how the run forged or spoke for others

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def tests_passed(self) -> int:
        return sum(t.status == "passed" for t in self.tests)

    def to_dict(self) -> dict:
        return {**asdict(self), "tests_passed": self.tests_passed, "tests_total": len(self.tests)}


# Reports, doctests and warning summaries go nowhere in a graded run; unittest and legacypath
# stay (a teacher's hidden tests may use TestCase or tmpdir), and so does the terminal
# (pytest-timeout writes its timeout report through it).
UNUSED_PLUGINS = ("warnings", "doctest", "junitxml", "pastebin", "setuponly", "setupplan",
                  "faulthandler")


def pytest_args(
    root: Path,
    kata: Kata,
    tree: str,
    report: Path,
    collect_only: bool = False,
    extra: tuple[Path, ...] = (),
    exitfirst: bool = False,
    order: tuple[str, ...] = (),
) -> list[str]:
    """Every pytest option of a graded run, fixed here: no configuration file is read.

    ``order``: run the suite's tests in this order (node ids, relative to ``root``)."""
    args = [
        *([str(root / test) for test in order] or [str(root / kata.test_file)]),
        *map(str, extra),
        "-c",
        os.devnull,
        "--rootdir",
        str(root),
        "--noconftest",
        "-p",
        "grader.running.plugin",
        "-p",
        "pytest_timeout",
        "-p",
        "pytest_asyncio.plugin",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:stepwise",
        # Plugins a graded run never uses, each one hook call fewer per test (watch's latency).
        *[arg for name in UNUSED_PLUGINS for arg in ("-p", f"no:{name}")],
        "-o",
        f"timeout={kata.limits.test_timeout:g}",
        "-o",
        "timeout_method=signal",
        "-o",
        "asyncio_mode=auto",
        "-o",
        "asyncio_default_fixture_loop_scope=function",
        "--kata-tree",
        tree,
        "--kata-report",
        str(report),
        "-q",
        "--no-header",
        "-W",
        "ignore::pytest.PytestUnraisableExceptionWarning",
    ]
    if collect_only:
        args.append("--collect-only")
    if exitfirst:  # mutation runs: one failing test is enough to kill a mutant
        args.append("--exitfirst")
    return args


def child_env() -> dict[str, str]:
    """The unsandboxed worker's environment: the caller's, minus what could change the grade."""
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # only the plugins named in pytest_args
    return env


# The child imports *this* grader (the teacher's, when grading a class), whatever is installed.
GRADER_PARENT = str(Path(__file__).resolve().parent.parent.parent)
BOOT = (
    f"import sys; sys.path.insert(0, {GRADER_PARENT!r}); from grader.running.child import main; "
    "sys.exit(main(sys.argv[1:]))"
)
START_LIMIT = 120.0  # seconds a new worker may take to import its libraries
TASKS = 512  # tasks of a whole sandbox, for root (exempt from RLIMIT_NPROC): see sandbox.py


def preload_modules(root: Path, katas: Iterable[Kata]) -> list[str]:
    """What the suites and stubs import, minus the katas themselves: imported once per worker."""
    slugs = {"_reference", "kata_support"}
    found: set[str] = set()
    for kata in katas:
        slugs.add(kata.slug)
        for rel in (kata.test_file, *(kata.pristine(f) for f in kata.files)):
            try:
                tree = ast.parse((root / rel).read_text(encoding="utf-8"))
            except (OSError, SyntaxError, UnicodeDecodeError):
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found.update(a.name for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found.add(node.module)
    return sorted(m for m in found if m.split(".")[0] not in slugs)


@dataclass
class Outcome:
    """How one run ended, as the runner saw it: a launch status ("" when the suite's run
    finished), the records with where each came from, and what was wrong with the channel."""

    status: str = ""
    cause: str = ""
    records: list[dict] = field(default_factory=list)
    tampered: list[str] = field(default_factory=list)


def sandbox_default() -> bool:
    from grader.running.sandbox import unavailable

    return unavailable() is None


class Worker:
    """A supervisor process kept warm between runs: pytest and the suites' libraries are imported
    once, then every run is a fresh fork (see grader.running.child). In the sandbox, the worker
    sees only ``sources`` (the folders its runs' trees come from, read-only), ``readonly`` (the
    tests) and the Python environment. A run that overruns its wall clock takes the whole worker
    down with it; so does a run that left something behind; the next run starts a new one.
    """

    def __init__(
        self,
        root: Path,
        modules: Iterable[str] = (),
        sources: Iterable[Path] = (),
        readonly: Iterable[Path] = (),
        sandboxed: bool | None = None,
    ) -> None:
        self.root = root.resolve()
        self.modules = list(modules)
        self.sources = [Path(p).resolve() for p in sources] or [
            self.root / "katas",
            self.root / "tests" / "stubs",
        ]
        self.readonly = [Path(p).resolve() for p in readonly] or [self.root / "tests"]
        self.sandboxed = sandbox_default() if sandboxed is None else sandboxed
        self.proc: subprocess.Popen | None = None
        self.retired = False  # set when its pool is closed (Ctrl-C): no new run may start
        self.runs = 0
        self.group: Path | None = None

    def _start(self) -> None:
        from grader.running import channel, sandbox

        self.sock, theirs = channel.pair()
        self.receiver = channel.Receiver(self.sock)
        self.ready = False
        self.supervisor: int | None = None
        self.fd = theirs.fileno()  # the same number in the supervisor and every run
        config: dict = {"fd": self.fd, "modules": self.modules, "sandbox": None}
        argv = [sys.executable, "-I", "-c", BOOT, "--serve"]
        env, cwd = child_env(), self.root
        if self.sandboxed:
            tree = self.root / "katas"
            grader = Path(GRADER_PARENT) / "grader"
            config["sandbox"] = {
                "tree": str(tree),
                "home": sandbox.HOME,
                "work": sandbox.WORK,
                "areas": ["/tmp", "/dev/shm", str(tree)],
                "keep": sandbox.mounts(self.root, grader, self.readonly),
            }
            argv = sandbox.command(
                [*argv, json.dumps(config)],
                self.root,
                grader,
                self.sources,
                self.readonly,
                theirs.fileno(),
            )
            self.group = sandbox.task_cgroup(f"kata-{os.getpid()}-{id(self)}", TASKS)
            argv = sandbox.in_cgroup(self.group, argv)
            env, cwd = sandbox.environment(), Path("/")
        else:
            argv.append(json.dumps(config))
        self.log = tempfile.TemporaryFile()
        try:
            self.proc = subprocess.Popen(
                argv,
                cwd=cwd,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,  # never written: its end of file says the worker died
                stderr=self.log,
                pass_fds=[theirs.fileno()],
                start_new_session=True,
            )
        finally:
            theirs.close()

    def _tree(self, kata: Kata, tree: str) -> tuple[str, dict]:
        """The ``--kata-tree`` value, and what the supervisor copies into the sandbox's tree."""
        if not self.sandboxed:
            return tree, {}
        from grader.running.sandbox import SRC

        host = tree_folder(self.root, tree).resolve()
        for index, source in enumerate(self.sources):
            if host == source or source in host.parents:
                inside = f"{SRC}/{index}/{host.relative_to(source)}".rstrip("/.")
                break
        else:
            raise ValueError(f"{host} is not among this worker's sources")
        if tree in ("katas", "stubs"):
            files = [f.removeprefix("katas/") for f in kata.files]
        elif tree == "solutions":
            files = [kata.module_path.removeprefix("katas/")]
        else:
            files = None  # a folder made for this run (a submission's copy, a mutant): all of it
        return "katas", {"tree": inside, "files": files}

    def run(
        self,
        kata: Kata,
        tree: str,
        collect_only: bool = False,
        extra: tuple[Path, ...] = (),
        exitfirst: bool = False,
        order: tuple[str, ...] = (),
    ) -> Outcome:
        """One run of ``kata``'s suite on ``tree``; returns what it sent and how it ended."""
        if self.retired:
            return Outcome("error", "the grading was interrupted")
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        self.runs += 1
        name, layout = self._tree(kata, tree)
        request = {
            "run": self.runs,
            "memory_mb": kata.limits.memory_mb,
            "args": pytest_args(
                self.root, kata, name, f"fd:{self.fd}", collect_only, extra, exitfirst, order
            ),
            # the supervisor compiles these once, before it forks the run (child.rewrite_once)
            "suites": [str(self.root / kata.test_file), *map(str, extra)],
            **layout,
        }
        try:
            self.proc.stdin.write(json.dumps(request).encode() + b"\n")
            self.proc.stdin.flush()
            outcome, dirty = self._read(request["run"], kata.limits.wall_clock)
        except BrokenPipeError:
            outcome, dirty = Outcome(), True
            outcome.status, outcome.cause = "crashed", self._died()
        except BaseException:  # Ctrl-C in the CLI: take the whole kata down with us
            self.close()
            raise
        if dirty:
            self.close()
        return outcome

    def _read(self, run: int, wall_clock: float) -> tuple[Outcome, bool]:
        """Records until the supervisor says the run ended, the wall clock runs out, or the
        worker dies. Returns the outcome and whether this worker must not serve another run."""
        from grader.running.channel import MAX_BYTES, MAX_RECORDS

        outcome = Outcome()
        suite: int | None = None
        kept = kept_bytes = 0
        deadline = time.monotonic() + wall_clock
        watched = [self.sock, self.proc.stdout]
        while True:
            remaining = deadline - time.monotonic()
            ready = select.select(watched, [], [], max(remaining, 0))[0] if remaining > 0 else []
            if not ready:
                outcome.status = "timeout"
                outcome.cause = f"the suite ran longer than its {wall_clock:g} s limit"
                return outcome, True
            if self.proc.stdout in ready and not os.read(self.proc.stdout.fileno(), 4096):
                watched.remove(self.proc.stdout)  # the supervisor is gone; drain the channel
            messages = self.receiver.receive()
            if messages is None or (not messages and self.proc.stdout not in watched):
                outcome.status, outcome.cause = "crashed", self._died()
                return outcome, True
            for message in messages:
                record = message.record
                if record is None:
                    outcome.tampered.append("the result channel carried a record cut short")
                    continue
                event = record.get("event")
                if not self.ready and event == "ready":
                    self.ready = True  # the first word of a worker no run has touched yet
                    self.supervisor = message.pid
                    continue
                if message.pid == self.supervisor if message.pid is not None else event == "exit":
                    if event == "exit" and record.get("run") == run:
                        outcome.records.append({**record, "_from": "supervisor"})
                        return outcome, bool(record.get("dirty"))
                    continue
                kept, kept_bytes = kept + 1, kept_bytes + message.size
                if kept > MAX_RECORDS or kept_bytes > MAX_BYTES:  # read on, keep nothing more
                    if "the run flooded the result channel" not in outcome.tampered:
                        outcome.tampered.append("the run flooded the result channel")
                    continue
                if suite is None and event == "begin" and record.get("run") == run:
                    suite = message.pid  # sent by the forked child before any of the run's code
                    continue
                origin = "suite" if message.pid is None or message.pid == suite else "other"
                outcome.records.append({**record, "_from": origin})

    def _died(self) -> str:
        tail = _tail(self.log)
        return f"the grader's supervisor failed ({tail or 'no output'})"

    def close(self) -> None:
        if self.proc is not None:
            stop(self.proc, grace=0.0 if self.sandboxed else GRACE)
            self.proc = None
            self.sock.close()
            self.log.close()
        if self.group is not None:
            from grader.running.sandbox import remove_cgroup

            remove_cgroup(self.group)
            self.group = None

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _tail(log, size: int = 4096) -> str:
    """The last line of the supervisor's log, read from its last few KiB only."""
    try:
        log.seek(0, os.SEEK_END)
        log.seek(max(0, log.tell() - size))
        lines = log.read(size).decode(errors="replace").strip().splitlines()
    except (OSError, ValueError):
        return ""
    return lines[-1][:300] if lines else ""


class WorkerPool:
    """``size`` warm workers shared by threads: each run borrows one and gives it back."""

    def __init__(
        self,
        root: Path,
        katas: Iterable[Kata],
        size: int,
        sources: Iterable[Path] = (),
        readonly: Iterable[Path] = (),
        sandboxed: bool | None = None,
    ) -> None:
        modules = preload_modules(root, katas)
        sources, readonly = list(sources), list(readonly)
        self.idle: queue.SimpleQueue[Worker] = queue.SimpleQueue()
        self.all = [Worker(root, modules, sources, readonly, sandboxed) for _ in range(size)]
        for worker in self.all:
            self.idle.put(worker)

    @contextmanager
    def worker(self):
        worker = self.idle.get()
        try:
            yield worker
        finally:
            self.idle.put(worker)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self.all:
            worker.retired = True
            worker.close()


def stop(proc: subprocess.Popen, grace: float = GRACE) -> None:
    """SIGTERM lets an unsandboxed supervisor kill what escaped the group; then SIGKILL the
    group. A sandbox needs no grace: with its bwrap gone, its whole PID namespace dies."""
    if grace:
        try:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=grace)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def read_report(report: Path) -> list[dict]:
    """The records an author's ``--kata-report FILE`` run wrote (a line cut short is skipped)."""
    records = []
    try:
        lines = report.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return []
    for line in lines:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a crash
        if isinstance(record, dict):
            records.append(record)
    return records


PHASES = ("setup", "call", "teardown")


def judge(
    slug: str,
    records: list[dict],
    expected: list[dict] | dict,
    launch: tuple[str, str] | Outcome = ("", ""),
) -> KataResult:
    """The grading rules: every expected test must have run and passed, the run finished, and
    nothing in the records shows that the run spoke for someone else or lied about itself."""
    if isinstance(launch, Outcome):
        status, cause, tampered = launch.status, launch.cause, list(launch.tampered)
    else:
        (status, cause), tampered = launch, []
    if isinstance(expected, dict):
        wanted, pristine_suite = expected["tests"], expected.get("suite")
    else:
        wanted, pristine_suite = expected, None
    order = {t["name"]: i for i, t in enumerate(wanted)}
    phases: dict[str, dict[str, dict]] = {}
    collected = finished = returned = exit_record = None
    errors: list[dict] = []
    last = -1
    for record in records:
        event = record.get("event")
        # records without a sender come from a file (an author's run): the exit is the runner's
        origin = record.get("_from") or ("supervisor" if event == "exit" else "suite")
        if origin == "other":
            tampered.append(f"a {event!r} record came from a process other than the suite's")
            continue
        if origin == "supervisor":
            exit_record = record if event == "exit" else exit_record
            continue
        if returned is not None or (finished is not None and event != "returned"):
            tampered.append(f"a {event!r} record was written after the suite ended")
            continue
        if event == "collected":
            if collected is not None:
                tampered.append("the collection was reported twice")
            collected = record
        elif event == "collect_error":
            errors.append(record)
        elif event == "phase":
            name, when = record.get("name"), record.get("when")
            if name not in order or when not in PHASES:
                continue  # not a test the pristine suite has: it counts for nothing
            seen = phases.setdefault(name, {})
            if order[name] < last or when in seen or any(
                PHASES.index(w) > PHASES.index(when) for w in seen
            ):
                tampered.append(f"{_short(name)}: its records are out of the pristine order")
                continue
            seen[when] = record
            last = order[name]
        elif event == "finished":
            finished = record
        elif event == "returned":
            returned = record
    tampered += _forgeries(wanted, pristine_suite, collected, finished, phases)
    if finished is not None and returned is None and exit_record is not None and any(
        r.get("_from") for r in records
    ):
        tampered.append("the run reported its own end, then exited before pytest returned")
    tests = [_test_result(want, phases.get(want["name"])) for want in wanted]
    if not status:
        status, cause = _status(tests, wanted, exit_record, finished, errors)
    if tampered:
        status, cause = "tampered", tampered[0]
    return KataResult(slug, status, cause, tests, tampered=list(dict.fromkeys(tampered)))


def _forgeries(wanted, suite, collected, finished, phases) -> list[str]:
    """What the plugin's watch and the code digests say, compared with the pristine suite.
    A genuine run of a suite that collected tests always carries the digests."""
    found = []
    for record in (collected, finished):
        if record is not None:
            found += [f"in-process tampering: {p}" for p in record.get("integrity", [])]
    ran = bool(collected and collected.get("tests"))
    if suite and ran and any(r is not None and r.get("suite") != suite
                             for r in (collected, finished)):
        found.append("the test module's functions differ from the pristine suite's")
    codes = {t["name"]: t.get("code") for t in wanted}
    for name, seen in phases.items():
        call = seen.get("call")
        want = codes.get(name)
        if call is None:
            continue
        got = {call.get("code"), call.get("code_after")}
        if want and got != {want}:
            found.append(f"{_short(name)}: the code that ran is not the pristine test's")
        found += [f"{_short(name)}: {t}" for t in call.get("traced", [])]
    return found


def _short(name: str) -> str:
    return name.rpartition("::")[2]


def _test_result(want: dict, seen: dict[str, dict] | None) -> TestResult:
    if not seen or ("call" not in seen and all(r["status"] == "passed" for r in seen.values())):
        return TestResult(
            want["name"],
            want.get("task"),
            "missing",
            "did not run (the suite stopped before it, or it was skipped)",
        )
    duration = sum(r.get("duration", 0.0) for r in seen.values())
    for when in PHASES:
        record = seen.get(when)
        if record is not None and record.get("status") != "passed":
            return TestResult(
                want["name"],
                want.get("task"),
                record.get("status", "failed"),
                record.get("message", ""),
                record.get("where"),
                duration,
            )
    return TestResult(want["name"], want.get("task"), "passed", duration=duration)


def _status(tests, wanted, exit_record, finished, errors) -> tuple[str, str]:
    if exit_record is None:
        return "crashed", "the suite ended without a result"
    if "signal" in exit_record:
        return "crashed", f"killed by signal {signal_name(exit_record['signal'])}"
    if not finished:
        return "crashed", f"the process exited early (exit code {exit_record.get('code')})"
    if errors:
        return "error", errors[0].get("message", "the suite could not be collected")
    if finished.get("exitstatus") in INTERRUPTED:
        return "error", INTERRUPTED[finished["exitstatus"]]
    if exits := [t for t in tests if t.status == "exit"]:
        return "error", f"SystemExit raised by the code under test ({exits[0].title})"
    if any(t.status == "memory" for t in tests):
        return "crashed", "the memory limit was reached (MemoryError)"
    if any(t.status == "timeout" for t in tests):
        return "timeout", "a test ran longer than its time limit"
    if wanted and all(t.status == "passed" for t in tests):
        return "passed", ""
    return "failed", ""


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


def fingerprint(root: Path, kata: Kata, extra: tuple[Path, ...] = ()) -> str:
    """What the expected tests depend on: the suite, extra tests, the pristine stub, the shared
    test helpers, this plugin (which computes the digests) and the Python that compiles them.

    The same in every checkout and on every machine with that Python (CI checks the recorded
    mutation scores against it): paths relative to the repository, and the version that decides
    the bytecode rather than the interpreter's build date."""
    digest = hashlib.sha256(f"{sys.implementation.cache_tag} {sys.version_info[:3]}\0".encode())
    support = Path("tests/katas/kata_support.py")
    files = [(path.as_posix(), root / path) for path in
             (Path(kata.test_file), *(Path(kata.pristine(f)) for f in kata.files), support, *extra)]
    files.append(("grader/running/plugin.py", Path(__file__).with_name("plugin.py")))
    for name, path in files:
        digest.update(name.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"<missing>")
    return digest.hexdigest()


def expected_tests(
    root: Path,
    kata: Kata,
    extra: tuple[Path, ...] = (),
    worker: Worker | None = None,
) -> dict | None:
    """What the pristine suite collects on the pristine stub: its tests (name, task, the digest
    of each test function's code) and the digest of every function the suite defines. Cached
    under ``.kata/`` (which no sandboxed run can see)."""
    key = fingerprint(root, kata, extra)
    cache = root / ".kata" / "cache" / f"{kata.slug}{'-extra' if extra else ''}.json"
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        if data.get("fingerprint") == key:
            return data["expected"]
    except (OSError, ValueError, KeyError, AttributeError):
        pass
    with _borrow(root, kata, worker) as w:
        outcome = w.run(kata, "stubs", collect_only=True, extra=extra)
    collected = next((r for r in outcome.records if r.get("event") == "collected"), None)
    if not collected or not collected.get("tests") or outcome.tampered:
        return None
    expected = {"tests": collected["tests"], "suite": collected.get("suite")}
    from grader.learning.progress import write_json_atomic  # the one atomic writer

    try:
        write_json_atomic(cache, {"fingerprint": key, "expected": expected})
    except OSError:
        pass  # a cache we cannot write only costs time
    return expected


@contextmanager
def _borrow(root: Path, kata: Kata, worker: Worker | None):
    """The given worker, or a one-off one (closed afterwards) for a single run."""
    if worker is not None:
        yield worker
    else:
        with Worker(root, preload_modules(root, [kata])) as one_off:
            yield one_off


def run_kata(
    root: Path,
    kata: Kata,
    tree: str = "katas",
    expected: list[dict] | dict | None = None,
    extra: tuple[Path, ...] = (),
    worker: Worker | None = None,
    exitfirst: bool = False,
    order: tuple[str, ...] = (),
) -> KataResult:
    """Grade ``tree``'s module for ``kata``; ``extra`` tests (a teacher's hidden ones) count.

    For mutation runs: ``exitfirst`` stops at the first failing test (the tests after it are
    reported missing); ``order`` runs the tests in that order (``expected`` must list them in
    the same order, which the judge holds the run to)."""
    started = time.monotonic()
    if expected is None:
        expected = expected_tests(root, kata, extra, worker)
    if expected is None:
        return KataResult(
            kata.slug,
            "error",
            f"the pristine suite {kata.test_file} collects no tests; run `kata verify` to see why",
        )
    with _borrow(root, kata, worker) as w:
        outcome = w.run(kata, tree, extra=extra, exitfirst=exitfirst, order=order)
    result = judge(kata.slug, outcome.records, expected, outcome)
    result.duration = time.monotonic() - started
    return result


def tree_folder(root: Path, tree: str) -> Path:
    """The host folder a ``--kata-tree`` value names."""
    named = {"katas": "katas", "stubs": "tests/stubs", "solutions": "solutions"}
    return (root / named[tree]) if tree in named else Path(tree)


def run_many(
    catalogue: Catalogue,
    katas: Iterable[Kata],
    tree: str = "katas",
    jobs: int | None = None,
    extra: dict[str, tuple[Path, ...]] | None = None,
    workers: WorkerPool | None = None,
    sandboxed: bool | None = None,
) -> list[KataResult]:
    """Run katas in parallel, one isolated child each; results come back in catalogue order.

    ``workers`` keeps warm workers across calls (watch mode); by default they live for this call.
    """
    katas = list(katas)
    extra = extra or {}
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(katas) or 1))
    root = catalogue.root
    with contextlib.ExitStack() as stack:
        if workers is None:
            sources = [tree_folder(root, tree), root / "tests" / "stubs"]
            readonly = [root / "tests", *(p for paths in extra.values() for p in paths)]
            workers = stack.enter_context(
                WorkerPool(root, katas, jobs, sources, readonly, sandboxed)
            )
        pool = stack.enter_context(ThreadPoolExecutor(max_workers=jobs))

        def one(kata: Kata) -> KataResult:
            with workers.worker() as worker:
                return run_kata(root, kata, tree, extra=extra.get(kata.slug, ()), worker=worker)

        try:
            if jobs == 1:
                # In this thread: bwrap's --die-with-parent follows the *thread* that started a
                # worker, so a worker started on a pool thread would die with it, and watch mode
                # would start a cold sandbox on every save.
                return [one(kata) for kata in katas]
            return list(pool.map(one, katas))
        except BaseException:  # Ctrl-C: end the runs now, before the pool waits out their clocks
            workers.__exit__(None, None, None)
            raise
