"""A small class for the class-at-scale tests: learners' repositories as local bare git
repositories (no network), and kata files worth comparing for similarity."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from toyrepo import TOY2_SOLUTION, TOY2_STUB, TOY_SOLUTION, TOY_STUB, write

# A learner's own, longer solution of the toy kata: enough code for fingerprints to mean something.
ORIGINAL = '''"""Toy kata: my solution."""


def _check_number(value, label):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{label} must be a number, got {type(value).__name__}")
    return value


def add(a, b):
    """Task 1: return the sum of a and b."""
    first = _check_number(a, "a")
    second = _check_number(b, "b")
    total = first
    for step in [second]:
        total = total + step
    return total


def greet(name):
    """Task 2: return 'Hello, <name>!'."""
    cleaned = str(name).strip()
    if not cleaned:
        raise ValueError("name must not be empty")
    parts = ["Hello", ", ", cleaned, "!"]
    return "".join(parts)
'''

# The same code with every name changed, other comments and other spacing: still a copy.
RENAMED_COPY = '''"""Toy kata."""

# my own work!!


def _validate(x, what):
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"{what} should be numeric: {type(x).__name__}")
    return x


def add(p, q):
    """Task 1: return the sum of a and b."""
    lhs = _validate(p, "p")
    rhs = _validate(q, "q")
    acc = lhs
    for item in [rhs]:
        acc = acc + item   # add it
    return acc


def greet(who):
    """Task 2: return 'Hello, <name>!'."""
    text = str(who).strip()
    if not text:
        raise ValueError("empty name")
    pieces = ["Hello", ", ", text, "!"]
    return "".join(pieces)
'''

# Somebody else's solution of the same tasks, written another way: not a copy.
INDEPENDENT = '''"""Toy kata, solved differently."""
import operator
from functools import reduce


def add(a, b):
    """Task 1: return the sum of a and b."""
    numbers = (a, b)
    if any(type(n) not in (int, float) for n in numbers):
        raise TypeError("add() takes two numbers")
    return reduce(operator.add, numbers, 0)


def greet(name):
    """Task 2: return 'Hello, <name>!'."""
    return "Hello, {}!".format(name) if name else "Hello, stranger!"
'''

TOY, TOY2 = "katas/toy.py", "katas/toy2.py"
# learner -> kata files; "empty" hands in nothing at all (graded zero, not skipped)
CLASS: dict[str, dict[str, str]] = {
    "ada": {TOY: ORIGINAL, TOY2: TOY2_SOLUTION},
    "ben": {TOY: RENAMED_COPY, TOY2: TOY2_STUB},
    "cy": {TOY: INDEPENDENT, TOY2: TOY2_STUB},
    "dee": {TOY: TOY_STUB, TOY2: TOY2_STUB},
    "eve": {TOY: TOY_STUB, TOY2: TOY2_STUB},
    "fay": {TOY: TOY_SOLUTION, TOY2: TOY2_SOLUTION},
    "gus": {TOY: TOY_SOLUTION, TOY2: TOY2_STUB},
    "empty": {"README.md": "# nothing handed in\n"},
}
# their totals (toy: 5 points, toy2: 10)
SCORES = {"ada": 15, "ben": 5, "cy": 5, "dee": 0, "eve": 0, "fay": 15, "gus": 5, "empty": 0}


def write_class(root: Path, learners: dict[str, dict[str, str]] = CLASS) -> Path:
    for name, files in learners.items():
        (root / name).mkdir(parents=True, exist_ok=True)
        for rel, text in files.items():
            write(root / name / rel, text)
    return root


def git(*args: str, cwd: Path, when: str | None = None) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    if when:
        env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    done = subprocess.run(
        ["git", "-c", "user.name=Learner", "-c", "user.email=learner@example.org", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=True,
    )
    return done.stdout


def learner_repo(base: Path, name: str, commits: list[tuple[str, dict[str, str]]]) -> Path:
    """A bare repository ``base/remotes/<name>.git`` whose commits are committed at the given
    ISO 8601 times; returns its path (the working clone stays in ``base/work/<name>``)."""
    work = base / "work" / name
    work.mkdir(parents=True)
    git("init", "-q", "-b", "main", cwd=work)
    for when, files in commits:
        commit(work, when, files)
    bare = base / "remotes" / f"{name}.git"
    bare.parent.mkdir(parents=True, exist_ok=True)
    git("clone", "-q", "--bare", str(work), str(bare), cwd=base)
    git("remote", "add", "origin", str(bare), cwd=work)
    return bare


def commit(work: Path, when: str, files: dict[str, str], push: bool = False) -> str:
    for rel, text in files.items():
        write(work / rel, text)
    git("add", "-A", cwd=work)
    git("commit", "-q", "--allow-empty", "-m", f"work at {when}", cwd=work, when=when)
    if push:
        git("push", "-q", "origin", "main", cwd=work)
    return git("rev-parse", "HEAD", cwd=work).strip()


def write_roster(path: Path, rows: list[dict[str, str]]) -> Path:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    lines = [",".join(columns)] + [",".join(row.get(c, "") for c in columns) for row in rows]
    return write(path, "\n".join(lines) + "\n")
