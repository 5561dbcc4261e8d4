"""The supervisor of a worker: ``python -I -c BOOT --serve MODULE...`` (see the runner).

It runs pytest in a forked grandchild capped by ``RLIMIT_AS``, so that whatever the learner's code
does (exit early, segfault, eat memory, fork) this process survives to say what happened. It
becomes a child subreaper on Linux, so processes that the learner's code starts and detaches
(even with ``setsid``) are re-parented here and killed when the run ends. It writes one final
``exit`` record to the report: the grandchild's exit code or signal.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import sys
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> None:
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


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
    """Kill and reap everything below this process, repeating while re-parented orphans arrive."""
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
    try:  # reap whatever else has exited (on macOS the process group is the safety net)
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


def run_pytest(memory_mb: int, args: list[str]) -> None:
    import resource

    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    import pytest

    code = pytest.main(args)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(int(code))


def run_once(request: dict) -> None:
    """Fork one pytest run, wait for it, kill what it left behind, record how it ended."""
    pid = os.fork()
    if pid == 0:
        try:
            # The suite never reads our requests, and what it prints never reaches our answers.
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            quiet = os.open(os.devnull, os.O_WRONLY)
            os.dup2(quiet, 1)
            os.dup2(quiet, 2)
            run_pytest(int(request["memory_mb"]), request["args"])
        finally:
            os._exit(70)
    _, status = os.waitpid(pid, 0)
    kill_descendants()
    record: dict[str, int | str] = {"event": "exit"}
    if os.WIFSIGNALED(status):
        record["signal"] = os.WTERMSIG(status)
    else:
        record["code"] = os.WEXITSTATUS(status)
    with open(request["report"], "a", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\n")


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
    # Every fork would otherwise walk (and so copy, page by page) all of these objects in its
    # first garbage collections; frozen, they stay shared and out of the collector's way.
    gc.freeze()


def main(argv: list[str]) -> int:
    """``--serve MODULE...``: one run per JSON request line on stdin, ``done`` per line on stdout.

    The runner sends SIGTERM when a run's wall clock is out: everything below us dies with us.
    """

    def stop(signum: int, frame: object) -> None:
        kill_descendants()
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    become_subreaper()
    assert argv[:1] == ["--serve"], "usage: python -m grader.running.child --serve [MODULE...]"
    preload(argv[1:])
    for line in sys.stdin:
        run_once(json.loads(line))
        sys.stdout.write("done\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
