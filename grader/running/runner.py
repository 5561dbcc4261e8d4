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

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def tests_passed(self) -> int:
        return sum(t.status == "passed" for t in self.tests)

    def to_dict(self) -> dict:
        return {**asdict(self), "tests_passed": self.tests_passed, "tests_total": len(self.tests)}


def pytest_args(
    root: Path,
    kata: Kata,
    tree: str,
    report: Path,
    collect_only: bool = False,
    extra: tuple[Path, ...] = (),
) -> list[str]:
    """Every pytest option of a graded run, fixed here: no configuration file is read."""
    args = [
        str(root / kata.test_file),
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
    return args


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # only the plugins named in pytest_args
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # cached rewrites of the suites save most of a run
    return env


# The child imports *this* grader (the teacher's, when grading a class), whatever is installed.
GRADER_PARENT = str(Path(__file__).resolve().parent.parent.parent)
BOOT = (
    f"import sys; sys.path.insert(0, {GRADER_PARENT!r}); from grader.running.child import main; "
    "sys.exit(main(sys.argv[1:]))"
)


def preload_modules(root: Path, katas: Iterable[Kata]) -> list[str]:
    """What the suites and stubs import, minus the katas themselves: imported once per worker."""
    slugs = {"_reference"}
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


class Worker:
    """A supervisor process kept warm between runs: pytest and the suites' libraries are imported
    once, then every run is a fresh fork (see grader.running.child). A run that overruns its wall
    clock takes the whole worker down with it; the next run starts a new one.
    """

    def __init__(self, root: Path, modules: Iterable[str] = ()) -> None:
        self.root = root
        self.modules = list(modules)
        self.proc: subprocess.Popen | None = None
        self.retired = False  # set when its pool is closed (Ctrl-C): no new run may start

    def _start(self) -> subprocess.Popen:
        self.log = tempfile.TemporaryFile()
        return subprocess.Popen(
            [sys.executable, "-I", "-c", BOOT, "--serve", *self.modules],
            cwd=self.root,
            env=child_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            start_new_session=True,
        )

    def run(
        self,
        kata: Kata,
        tree: str,
        report: Path,
        collect_only: bool = False,
        extra: tuple[Path, ...] = (),
    ) -> tuple[str, str]:
        """One run; returns ("", "") when the suite finished, else (status, cause)."""
        if self.retired:
            return "error", "the grading was interrupted"
        if self.proc is None or self.proc.poll() is not None:
            self.proc = self._start()
        request = {
            "report": str(report),
            "memory_mb": kata.limits.memory_mb,
            "args": pytest_args(self.root, kata, tree, report, collect_only, extra),
        }
        try:
            self.proc.stdin.write(json.dumps(request).encode() + b"\n")
            self.proc.stdin.flush()
            answer = _read_line(self.proc.stdout, kata.limits.wall_clock)
        except BrokenPipeError:
            answer = b""
        except BaseException:  # Ctrl-C in the CLI: take the whole kata down with us
            self.close()
            raise
        if answer is None:
            self.close()
            return "timeout", f"the suite ran longer than its {kata.limits.wall_clock:g} s limit"
        if not answer:
            self.log.seek(0)
            tail = self.log.read().decode(errors="replace").strip().splitlines()[-1:]
            self.close()
            return "crashed", f"the grader's supervisor failed ({(tail or ['no output'])[0]})"
        return "", ""

    def close(self) -> None:
        if self.proc is not None:
            stop(self.proc)
            self.proc = None

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _read_line(stream, timeout: float) -> bytes | None:
    """A line from ``stream`` within ``timeout`` seconds; None on timeout, b"" at end of file."""
    deadline = time.monotonic() + timeout
    data = b""
    fd = stream.fileno()
    while not data.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            return None
        chunk = os.read(fd, 64)
        if not chunk:
            return b""
        data += chunk
    return data


class WorkerPool:
    """``size`` warm workers shared by threads: each run borrows one and gives it back."""

    def __init__(self, root: Path, katas: Iterable[Kata], size: int) -> None:
        modules = preload_modules(root, katas)
        self.idle: queue.SimpleQueue[Worker] = queue.SimpleQueue()
        self.all = [Worker(root, modules) for _ in range(size)]
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


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM lets the supervisor kill what escaped the group; SIGKILL the group after a grace."""
    try:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=GRACE)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def read_report(report: Path) -> list[dict]:
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


def judge(
    slug: str, records: list[dict], expected: list[dict], launch_status: tuple[str, str]
) -> KataResult:
    """The grading rules: every expected test must have run and passed, and the run finished."""
    seen = {r["name"]: r for r in records if r.get("event") == "test"}
    tests = []
    for want in expected:
        got = seen.get(want["name"])
        if got is None:
            tests.append(
                TestResult(
                    want["name"],
                    want.get("task"),
                    "missing",
                    "did not run (the suite stopped before it, or it was skipped)",
                )
            )
        else:
            tests.append(
                TestResult(
                    got["name"],
                    want.get("task"),
                    got["status"],
                    got.get("message", ""),
                    got.get("where"),
                    got.get("duration", 0.0),
                )
            )
    status, cause = launch_status
    exit_record = next((r for r in records if r.get("event") == "exit"), None)
    finished = next((r for r in records if r.get("event") == "finished"), None)
    errors = [r for r in records if r.get("event") == "collect_error"]
    if not status:
        if exit_record is None:
            status, cause = "crashed", "the suite ended without a result"
        elif "signal" in exit_record:
            status, cause = "crashed", f"killed by signal {signal_name(exit_record['signal'])}"
        elif not finished:
            status, cause = "crashed", f"the process exited early (exit code {exit_record['code']})"
        elif errors:
            status, cause = "error", errors[0].get("message", "the suite could not be collected")
        elif finished["exitstatus"] in INTERRUPTED:
            status, cause = "error", INTERRUPTED[finished["exitstatus"]]
        elif exits := [t for t in tests if t.status == "exit"]:
            status, cause = "error", f"SystemExit raised by the code under test ({exits[0].title})"
        elif any(t.status == "memory" for t in tests):
            status, cause = "crashed", "the memory limit was reached (MemoryError)"
        elif any(t.status == "timeout" for t in tests):
            status, cause = "timeout", "a test ran longer than its time limit"
        elif expected and all(t.status == "passed" for t in tests):
            status = "passed"
        else:
            status = "failed"
    return KataResult(slug, status, cause, tests)


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


def fingerprint(root: Path, kata: Kata, extra: tuple[Path, ...] = ()) -> str:
    """What the expected tests depend on: the suite, extra tests and the pristine stub."""
    digest = hashlib.sha256()
    for path in (kata.test_file, *(kata.pristine(f) for f in kata.files), *extra):
        digest.update(str(path).encode() + b"\0")
        try:
            digest.update((root / path).read_bytes())
        except OSError:
            digest.update(b"<missing>")
    return digest.hexdigest()


def expected_tests(
    root: Path,
    kata: Kata,
    workdir: Path,
    extra: tuple[Path, ...] = (),
    worker: Worker | None = None,
) -> list[dict] | None:
    """The tests the pristine suite collects (on the pristine stub), cached under ``.kata/``."""
    key = fingerprint(root, kata, extra)
    cache = root / ".kata" / "cache" / f"{kata.slug}{'-extra' if extra else ''}.json"
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        if data.get("fingerprint") == key:
            return data["tests"]
    except (OSError, ValueError, KeyError, AttributeError):
        pass
    report = workdir / f"{kata.slug}-collect.jsonl"
    with _borrow(root, kata, worker) as w:
        w.run(kata, "stubs", report, collect_only=True, extra=extra)
    collected = next(
        (r["tests"] for r in read_report(report) if r.get("event") == "collected"), None
    )
    if not collected:
        return None
    from grader.learning.progress import write_json_atomic  # the one atomic writer

    try:
        write_json_atomic(cache, {"fingerprint": key, "tests": collected})
    except OSError:
        pass  # a cache we cannot write only costs time
    return collected


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
    expected: list[dict] | None = None,
    extra: tuple[Path, ...] = (),
    worker: Worker | None = None,
) -> KataResult:
    """Grade ``tree``'s module for ``kata``; ``extra`` tests (a teacher's hidden ones) count."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"kata-{kata.slug}-") as tmp:
        workdir = Path(tmp)
        if expected is None:
            expected = expected_tests(root, kata, workdir, extra, worker)
        if expected is None:
            return KataResult(
                kata.slug,
                "error",
                f"the pristine suite {kata.test_file} collects "
                "no tests; run `kata verify` to see why",
            )
        report = workdir / f"{kata.slug}.jsonl"
        with _borrow(root, kata, worker) as w:
            outcome = w.run(kata, tree, report, extra=extra)
        result = judge(kata.slug, read_report(report), expected, outcome)
    result.duration = time.monotonic() - started
    return result


def run_many(
    catalogue: Catalogue,
    katas: Iterable[Kata],
    tree: str = "katas",
    jobs: int | None = None,
    extra: dict[str, tuple[Path, ...]] | None = None,
    workers: WorkerPool | None = None,
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
            workers = stack.enter_context(WorkerPool(root, katas, jobs))
        pool = stack.enter_context(ThreadPoolExecutor(max_workers=jobs))

        def one(kata: Kata) -> KataResult:
            with workers.worker() as worker:
                return run_kata(root, kata, tree, extra=extra.get(kata.slug, ()), worker=worker)

        try:
            return list(pool.map(one, katas))
        except BaseException:  # Ctrl-C: end the runs now, before the pool waits out their clocks
            workers.__exit__(None, None, None)
            raise
