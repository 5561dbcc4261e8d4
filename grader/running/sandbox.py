"""The bubblewrap sandbox around every run of learner code.

A worker's supervisor, and every run it forks, live in a ``bwrap`` sandbox (Flatpak's): new user,
PID, IPC, UTS and network namespaces (only loopback is up), no capabilities, and a root file
system made of read-only binds of the Python environment, the grader, the repository's ``tests/``
and the folders the runs' code comes from. Writable are only private tmpfs mounts: the kata tree
under test (``<repo>/katas``), ``/tmp`` (which holds ``HOME``) and ``/dev/shm``; the supervisor
wipes them between runs. ``solutions/``, ``.kata/``, other learners' copies and the rest of the
repository are not there at all. ``--die-with-parent`` and bwrap's own PID 1 reaper mean that
everything in the sandbox dies with it.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterable, Sequence
from pathlib import Path

SRC = "/kata/src"  # where the source folders of the runs' trees appear, read-only
TMP_BYTES = 512 * 1024 * 1024
TREE_BYTES = 64 * 1024 * 1024
SHM_BYTES = 64 * 1024 * 1024
HOME = "/tmp/home"
WORK = "/tmp/work"  # the runs' working directory: a scratch folder, never the repository
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/opt/homebrew")
# /etc is not bound whole: only what Python, sqlite and the resolver of "localhost" read.
ETC = (
    "passwd", "group", "hosts", "nsswitch.conf", "host.conf", "gai.conf", "localtime",
    "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "mime.types", "protocols",
    "services", "ssl", "ca-certificates", "ca-certificates.conf",
)  # fmt: skip
INSTALL_HINT = "install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap)"


def unavailable() -> str | None:
    """Why runs cannot be sandboxed on this machine, or None when they can."""
    if os.environ.get("KATA_NO_SANDBOX"):  # the grader's own tests of the unsandboxed path
        return "KATA_NO_SANDBOX is set"
    return _probe()


@functools.cache
def _probe() -> str | None:
    """Whether bwrap can make a sandbox here: tried once per process."""
    if not sys.platform.startswith("linux"):
        return f"bubblewrap needs Linux ({sys.platform} has no user namespaces)"
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return f"bubblewrap (bwrap) is not installed; {INSTALL_HINT}"
    probe = subprocess.run(
        [bwrap, *_namespaces(), *_system_binds(), "--proc", "/proc", "--dev", "/dev", "true"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if probe.returncode != 0:
        reason = (probe.stderr.strip().splitlines() or ["it failed"])[-1]
        return (
            f"bubblewrap cannot create a sandbox here ({reason}); user namespaces are off "
            "(in a container, or kernel.apparmor_restrict_unprivileged_userns=1 on Ubuntu)"
        )
    return None


def _namespaces() -> list[str]:
    return ["--unshare-all", "--unshare-user", "--cap-drop", "ALL", "--die-with-parent"]


def _system_binds() -> list[str]:
    args: list[str] = []
    for path in SYSTEM:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for name in ETC:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    return args


def python_paths(root: Path) -> list[Path]:
    """The Python environment: prefixes and every folder on sys.path, minus the repository
    (the grader is bound on its own; a virtualenv inside the repository is kept)."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    paths |= {p for p in sys.path if p}
    paths |= {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    found = []
    for raw in paths:
        path = Path(raw).resolve()
        if not path.exists() or path == root or (root in path.parents and not _in_env(path)):
            continue
        found.append(path)
    return _outermost(found)


def _in_env(path: Path) -> bool:
    return any(
        path == Path(p).resolve() or Path(p).resolve() in path.parents
        for p in (sys.prefix, sys.exec_prefix)
    )


def _outermost(paths: Iterable[Path]) -> list[Path]:
    kept: list[Path] = []
    for path in sorted(set(paths), key=lambda p: len(p.parts)):
        if not any(k == path or k in path.parents for k in kept):
            kept.append(path)
    return kept


def command(
    argv: Sequence[str],
    root: Path,
    grader: Path,
    sources: Sequence[Path],
    readonly: Sequence[Path],
    fd: int,
) -> list[str]:
    """The bwrap command line that runs ``argv`` in a fresh sandbox.

    ``sources`` appear read-only at ``/kata/src/<i>``; ``readonly`` (the tests, a teacher's hidden
    tests) at their own paths; ``grader`` is the package folder of the grader that runs.
    """
    args = [shutil.which("bwrap") or "bwrap", *_namespaces(), "--hostname", "kata"]
    args += ["--proc", "/proc", "--dev", "/dev", *_system_binds()]
    args += ["--size", str(TMP_BYTES), "--tmpfs", "/tmp"]
    args += ["--size", str(SHM_BYTES), "--tmpfs", "/dev/shm"]
    for path in python_paths(root):
        args += ["--ro-bind", str(path), str(path)]
    args += ["--ro-bind", str(grader), str(grader)]
    for path in _outermost(Path(p).resolve() for p in readonly):
        args += ["--ro-bind", str(path), str(path)]
    for index, source in enumerate(sources):
        args += ["--ro-bind", str(Path(source).resolve()), f"{SRC}/{index}"]
    args += ["--size", str(TREE_BYTES), "--tmpfs", str(root / "katas")]
    args += ["--chdir", "/tmp", "--remount-ro", "/", "--", *argv]
    return args


def mounts(root: Path, grader: Path, readonly: Sequence[Path]) -> list[str]:
    """The mount points inside the writable tmpfs areas, which the wipe between runs keeps."""
    inside = [root / "katas", grader, *(Path(p).resolve() for p in readonly)]
    inside += python_paths(root)
    return sorted({str(p) for p in inside if str(p).startswith(("/tmp/", "/dev/shm/"))})


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The sandbox's whole environment: nothing of the caller's (tokens, PYTHONPATH...)."""
    env = {
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin",
                                 "/bin"]),
        "HOME": HOME,
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",  # no bytecode outlives a run
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",  # only the plugins the runner names
        "USER": "kata",
        "LOGNAME": "kata",
    }  # fmt: skip
    if "TZ" in os.environ:
        env["TZ"] = os.environ["TZ"]
    return {**env, **(extra or {})}


# --- a task limit for root, who is exempt from RLIMIT_NPROC ---------------------------------


PIDS_V1 = Path("/sys/fs/cgroup/pids")


def task_cgroup(name: str, limit: int) -> Path | None:
    """A pids cgroup capped at ``limit`` tasks, where root can make one (cgroup v1's pids
    hierarchy); RLIMIT_NPROC covers everyone else. None where there is none."""
    if os.geteuid() != 0 or not (PIDS_V1 / "cgroup.procs").is_file():
        return None
    _sweep()
    group = PIDS_V1 / name
    try:
        group.mkdir(exist_ok=True)
        (group / "pids.max").write_text(f"{limit}\n")
    except OSError:
        return None
    return group


def in_cgroup(group: Path | None, argv: list[str]) -> list[str]:
    """``argv``, entered into ``group`` before it starts anything (so nothing escapes it)."""
    if group is None:
        return argv
    return ["/bin/sh", "-c", 'echo $$ > "$0" && exec "$@"', str(group / "cgroup.procs"), *argv]


def remove_cgroup(group: Path | None) -> None:
    """Kill what is left in ``group`` and remove it (a group cannot go while it has tasks)."""
    if group is None:
        return
    import signal
    import time

    for _ in range(200):
        try:
            tasks = [int(p) for p in (group / "cgroup.procs").read_text().split()]
        except (OSError, ValueError):
            return
        if not tasks:
            break
        for pid in tasks:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.01)
    try:
        group.rmdir()
    except OSError:
        pass


def _sweep() -> None:
    """Remove the empty groups of grader processes that are gone (a crash, a kill -9)."""
    for group in PIDS_V1.glob("kata-*-*"):
        owner = group.name.split("-")[1]
        if owner.isdigit() and not Path(f"/proc/{owner}").exists():
            try:
                group.rmdir()
            except OSError:
                pass
