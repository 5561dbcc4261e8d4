"""The supervisor of a worker: ``python -I -c BOOT --serve CONFIG`` (see the runner).

It imports pytest and the suites' libraries once, then serves one run per request line on stdin:
it lays the run's tree out, forks pytest into a child capped by rlimits, waits for it, kills
whatever the run left behind, and sends an ``exit`` record on the result channel. What the run's
code does (exit early, segfault, eat memory, fork, write files) this process survives to report.

Inside the sandbox (``config["sandbox"]``) it is PID 2 of its own PID namespace: ``kill(-1)``
then reaches every process the run started, however detached, and between runs it wipes the
writable tmpfs areas so that nothing one run wrote is seen by the next. Without the sandbox
(macOS, or ``--no-sandbox``) it is a child subreaper on Linux and kills what it can find below it.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import signal
import stat
import sys
import time
from pathlib import Path

from grader.running import channel

PR_SET_CHILD_SUBREAPER = 36
PR_SET_DUMPABLE = 4
NPROC = 256  # tasks (threads count) of one run
NOFILE = 4096
FSIZE = 128 * 1024 * 1024  # bytes of one file
ON_ERROR = "onexc" if sys.version_info >= (3, 12) else "onerror"  # rmtree's retry hook


def _prctl(option: int, value: int) -> None:
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)


def children(pid: int) -> set[int]:
    """Direct children of ``pid`` (Linux /proc; elsewhere the process group is the safety net)."""
    found: set[int] = set()
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found.update(int(c) for c in (task / "children").read_text().split())
    except OSError:
        pass
    return found


def kill_descendants() -> None:
    """Without a sandbox: kill and reap everything below this process, while orphans arrive."""
    me = os.getpid()
    for _ in range(50):
        pids = children(me)
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for pid in pids:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
    _reap()


def _reap() -> None:
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


def _others() -> list[int]:
    """Live processes of the sandbox's PID namespace other than its init and this one."""
    me, found = os.getpid(), []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and int(entry.name) not in (1, me):
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    state = f.read().rpartition(b")")[2].split()[0]
            except OSError:
                continue
            if state not in (b"Z", b"X"):
                found.append(int(entry.name))
    return found


def kill_everything() -> bool:
    """In the sandbox: ``kill(-1)`` reaches every process but init and us. True once none live."""
    for _ in range(200):
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _reap()
        if not _others():
            return True
        time.sleep(0.005)
    return False


def wipe(areas: list[str], keep: set[str]) -> list[str]:
    """Delete everything in the writable ``areas`` but the mount points in ``keep`` (and the
    folders that lead to them); returns what could not be deleted."""
    left: list[str] = []

    def clear(folder: str) -> None:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            path = entry.path
            if path in keep:
                continue
            if any(k.startswith(path + "/") for k in keep):
                clear(path)
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    os.chmod(path, stat.S_IRWXU)  # a run may have locked its own folders
                    shutil.rmtree(path, **{ON_ERROR: _force})
                else:
                    os.unlink(path)
            except OSError:
                pass
            if os.path.lexists(path):
                left.append(path)

    for area in areas:
        clear(area)
    return left


def _force(function, path, _exc) -> None:
    """rmtree's second try after a run's chmod 000: open the parent up, then delete again."""
    try:
        os.chmod(os.path.dirname(path), stat.S_IRWXU)
        if os.path.isdir(path) and not os.path.islink(path):
            os.chmod(path, stat.S_IRWXU)
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
    except OSError:
        pass


def _ipc_clear() -> None:
    """SysV IPC objects live in the sandbox's IPC namespace until removed, not with processes."""
    for kind in ("shm", "sem", "msg"):
        try:
            with open(f"/proc/sysvipc/{kind}") as table:
                if len(table.readlines()) > 1:
                    os.system("ipcrm --all >/dev/null 2>&1")
                    return
        except OSError:
            return


def lay_out(request: dict, tree: str) -> None:
    """Copy the run's files (read-only sources) into the private, writable tree."""
    source = request["tree"]
    names = request.get("files") or sorted(os.listdir(source))
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in names:
        src, dst = os.path.join(source, name), os.path.join(tree, name)
        try:
            if os.path.isdir(src):
                shutil.copytree(src, dst, ignore=ignore, dirs_exist_ok=True)
            elif os.path.exists(src):
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copyfile(src, dst)
        except OSError:
            pass  # a file that cannot be copied is a file the run cannot import: it says so


def limit(memory_mb: int) -> None:
    import resource

    address = memory_mb * 1024 * 1024
    for name, value in (
        ("RLIMIT_AS", address),
        ("RLIMIT_CORE", 0),
        ("RLIMIT_NPROC", NPROC),
        ("RLIMIT_NOFILE", NOFILE),
        ("RLIMIT_FSIZE", FSIZE),
        ("RLIMIT_MSGQUEUE", 0),
    ):
        kind = getattr(resource, name, None)
        if kind is None:
            continue
        try:
            hard = resource.getrlimit(kind)[1]
            cap = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(kind, (cap, cap))
        except (ValueError, OSError):
            pass  # a lower limit than ours is already in force


def run_pytest(request: dict, fd: int, workdir: str | None) -> None:
    """In the forked child: nothing but the channel stays open, limits on, then pytest."""
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    os.closerange(3, fd)
    os.closerange(fd + 1, 65536)
    if workdir:
        os.makedirs(workdir, exist_ok=True)
        os.chdir(workdir)
    limit(int(request["memory_mb"]))
    # Bytecode is neither written (PYTHONDONTWRITEBYTECODE) nor read during the run: a cache
    # found in the tests' folders (committed to a learner's repository, say) could hold any
    # code for a pristine source, hash and all; the suites come from rewrite_once's cache.
    sys.pycache_prefix = NO_BYTECODE
    sys.dont_write_bytecode = True
    # Sent before any of the run's code: the runner learns the suite's pid from this message.
    channel.send(fd, {"event": "begin", "run": request["run"]})
    import pytest

    code = int(pytest.main(request["args"]))
    channel.send(fd, {"event": "returned", "run": request["run"], "code": code})
    os._exit(code)


# Where a run looks for bytecode: nowhere that exists or can be made (/proc takes no new files).
NO_BYTECODE = "/proc/kata-no-bytecode"
_REWRITTEN: dict[tuple[str, bytes], object] = {}


def cache_rewrites() -> None:
    """Make pytest's assert-rewriting compile each suite once per supervisor: every run forked
    afterwards reuses the code instead of parsing and compiling the suite again (no bytecode is
    written in the sandbox, and none is read: see ``run_pytest``)."""
    from _pytest.assertion import rewrite

    original = rewrite._rewrite_test

    def cached(fn: Path, config: object) -> object:
        if config is not None and config.getini("enable_assertion_pass_hook"):
            return original(fn, config)  # a rewrite with hooks differs; never on our runs
        key = (str(fn), fn.read_bytes())  # keyed by content: an edited suite is new code
        if key not in _REWRITTEN:
            _REWRITTEN[key] = original(fn, None)
        return _REWRITTEN[key]

    rewrite._rewrite_test = cached


def rewrite_once(suites: list[str]) -> None:
    """Compile a run's suites here, in the supervisor, before it forks the run."""
    from _pytest.assertion import rewrite

    for suite in suites:
        try:
            rewrite._rewrite_test(Path(suite), None)
        except (OSError, SyntaxError, ValueError):
            pass  # the run itself reports a suite that cannot be read or compiled


def run_once(request: dict, config: dict) -> None:
    fd, box = config["fd"], config.get("sandbox")
    rewrite_once(request.get("suites", []))
    if box:
        lay_out(request, box["tree"])
        os.makedirs(box["home"], exist_ok=True)
    pid = os.fork()
    if pid == 0:
        try:
            run_pytest(request, fd, box["work"] if box else None)
        finally:
            os._exit(70)
    _, status = os.waitpid(pid, 0)
    record: dict[str, int | str] = {"event": "exit", "run": request["run"]}
    if os.WIFSIGNALED(status):
        record["signal"] = os.WTERMSIG(status)
    else:
        record["code"] = os.WEXITSTATUS(status)
    if box:
        if not kill_everything():
            record["dirty"] = "processes of the run survived SIGKILL"
        _ipc_clear()
        left = wipe(box["areas"], set(box["keep"]))
        if left:
            record["dirty"] = f"could not delete {left[0]}"
    else:
        kill_descendants()
    channel.send(fd, record)


def preload(modules: list[str]) -> None:
    """Import pytest, its plugins and the suites' libraries once, so that each fork starts warm.

    Only third-party and grader modules: never a kata's own module, which each run imports fresh.
    """
    import importlib

    warm = ["pytest", "pytest_timeout", "pytest_asyncio.plugin", "grader.running.plugin"]
    for name in [*warm, *modules]:
        try:
            importlib.import_module(name)
        except Exception:
            pass
    cache_rewrites()
    # Every fork would otherwise walk (and so copy, page by page) all of these objects in its
    # first garbage collections; frozen, they stay shared and out of the collector's way.
    gc.freeze()


def main(argv: list[str]) -> int:
    """``--serve CONFIG``: one run per JSON request line on stdin, records on the channel."""
    assert argv[:1] == ["--serve"], "usage: python -m grader.running.child --serve CONFIG"
    config = json.loads(argv[1])
    box = config.get("sandbox")

    def stop(signum: int, frame: object) -> None:
        kill_everything() if box else kill_descendants()
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    # Nothing a run starts may trace this process or read its memory and file descriptors.
    _prctl(PR_SET_DUMPABLE, 0)
    if not box:
        _prctl(PR_SET_CHILD_SUBREAPER, 1)
    preload(config.get("modules", []))
    if box:
        wipe(box["areas"], set(box["keep"]))  # what preloading wrote (caches) is not for runs
    channel.send(config["fd"], {"event": "ready"})
    for line in sys.stdin:
        run_once(json.loads(line), config)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
