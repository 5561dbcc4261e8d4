"""``kata collect ROSTER.csv DEST``: clone or update every learner's repository, at the deadline.

Each repository goes to ``DEST/<learner>/``, with git itself (a subprocess per step, in its own
process group, under a time budget per repository), several at a time. With a deadline, the work
tree holds the last commit at or before it (by committer date). ``DEST/collect.csv`` says, per
learner, which commit was taken, when it was committed, how many commits came after the deadline,
and the error if the repository could not be collected: one bad repository never stops the rest,
and its learner still has a folder, so that ``grade-all`` grades them zero instead of skipping
them.

``DEST/<learner>/`` belongs to collect: an update checks out the chosen commit, discarding what
was changed there by hand (the learner's own work is in their repository, never touched).
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from grader.catalogue import parse_time
from grader.errors import KataError
from grader.teaching import csvfile
from grader.teaching.roster import Learner

FILE = "collect.csv"
FIELDS = ("learner", "commit", "commit_time", "commits_after_deadline", "error")
JOBS = 8  # clones wait on the network, not on the cores
TIMEOUT = 300.0  # seconds per repository, every git step included


class GitError(Exception):
    """One git step failed: the message is git's last line, or the timeout."""


@dataclass
class Collected:
    learner: str
    commit: str = ""
    commit_time: str = ""  # ISO 8601, UTC
    late: int | None = None  # commits after the deadline; None without a deadline
    error: str = ""

    def row(self) -> list[str]:
        late = "" if self.late is None else str(self.late)
        return [self.learner, self.commit, self.commit_time, late, self.error]


def parse_deadline(text: str) -> datetime:
    """An ISO 8601 date and time; without an offset it is UTC (as on GitHub's runners)."""
    return parse_time(text, "--before")


def collect(
    learners: list[Learner],
    dest: Path,
    before: datetime | None = None,
    jobs: int = JOBS,
    timeout: float = TIMEOUT,
) -> list[Collected]:
    """Collect every learner's repository into ``dest``; the rows are in roster order."""
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KataError(f"cannot create {dest} ({exc.strerror or exc})") from None
    with ThreadPoolExecutor(jobs) as pool:
        return list(pool.map(lambda who: _one(who, dest, before, timeout), learners))


def write_csv(rows: list[Collected], path: Path) -> Path:
    try:
        return csvfile.write(path, FIELDS, (r.row() for r in rows))
    except OSError as exc:
        raise KataError(f"cannot write {path} ({exc.strerror or exc})") from None


def merge_csv(parts: list[Path], path: Path) -> list[Path]:
    """The shards' collect.csv files as one, by learner; nothing when no shard has one."""
    rows: list[list[str]] = []
    for part in parts:
        try:
            with part.open(newline="", encoding="utf-8") as handle:
                rows += list(csv.reader(handle))[1:]
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise KataError(f"cannot read {part} ({exc})") from None
    if not rows:
        return []
    rows.sort(key=lambda row: row[:1])
    return [csvfile.write(path, FIELDS, rows)]


def _one(who: Learner, dest: Path, before: datetime | None, timeout: float) -> Collected:
    folder = dest / who.learner
    done = Collected(who.learner)
    git = _Git(folder, time.monotonic() + timeout, timeout)
    try:
        if (folder / ".git").exists():
            origin = git("remote", "get-url", "origin").strip()
            if origin != who.repo:
                raise GitError(f"{folder} is a clone of {origin}, not of {who.repo}")
            git("fetch", "--quiet", "--prune", "origin")
            try:  # follow a renamed default branch
                git("remote", "set-head", "origin", "--auto")
            except GitError:
                pass  # an empty repository: said below
        elif folder.exists() and any(folder.iterdir()):
            raise GitError(f"{folder} exists and is not a git clone; move it away")
        else:
            git("clone", "--quiet", "--no-checkout", "--", who.repo, str(folder), here=False)
        try:
            log = git("log", "--format=%H %ct", "refs/remotes/origin/HEAD")
        except GitError:
            raise GitError("the repository has no commits on its default branch") from None
        commits = [(sha, int(stamp)) for sha, stamp in (line.split() for line in log.splitlines())]
        limit = before.timestamp() if before else None
        eligible = [c for c in commits if limit is None or c[1] <= limit]
        if limit is not None:
            done.late = sum(stamp > limit for _, stamp in commits)
        if not eligible:
            # nothing to grade: an empty work tree, whatever an earlier collect checked out
            git("read-tree", "-u", "--reset", git("mktree", stdin="").strip())
            raise GitError(f"no commit at or before {before.isoformat()}")
        sha, stamp = eligible[0]  # git log lists the newest first
        git("checkout", "--quiet", "--force", "--detach", sha)
        done.commit = sha
        done.commit_time = datetime.fromtimestamp(stamp, UTC).isoformat(timespec="seconds")
    except GitError as exc:
        done.error = str(exc)
        folder.mkdir(parents=True, exist_ok=True)  # graded zero, not skipped
    return done


class _Git:
    """Run git steps for one repository, all of them within one time budget."""

    def __init__(self, folder: Path, deadline: float, budget: float) -> None:
        self.folder, self.deadline, self.budget = folder, deadline, budget

    def __call__(self, *args: str, here: bool = True, stdin: str | None = None) -> str:
        command = ["git", *(["-C", str(self.folder)] if here else []), *args]
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise GitError(f"timed out after {self.budget:g} s")
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
        env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")  # never ask for a password
        try:
            proc = subprocess.Popen(
                command,
                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
                start_new_session=True,  # its helpers (ssh, git-remote-https) die with it
            )
        except OSError as exc:
            raise GitError(f"cannot run git ({exc.strerror or exc})") from None
        try:
            out, err = proc.communicate(stdin, timeout=left)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise GitError(f"timed out after {self.budget:g} s") from None
        if proc.returncode:
            lines = [line.strip() for line in err.splitlines() if line.strip()]
            message = lines[-1] if lines else f"git {args[0]} exited {proc.returncode}"
            raise GitError(message.removeprefix("fatal: ").removeprefix("error: "))
        return out
