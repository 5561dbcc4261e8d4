"""The class roster, ``ROSTER.csv``: who the learners are and where their repositories live.

Columns: ``learner,repo`` and optionally ``email,sis_id`` (any order, any case, extra columns
ignored). ``learner`` names the learner's folder under the submissions root, so it must be a
plain folder name; ``repo`` is a git URL or a path. A bad roster is one line and exit 2, before
anything is cloned or graded.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from grader.errors import UsageError

REQUIRED = ("learner", "repo")
OPTIONAL = ("email", "sis_id")


@dataclass(frozen=True)
class Learner:
    learner: str
    repo: str
    email: str = ""
    sis_id: str = ""


def read(path: Path) -> list[Learner]:
    """The roster's learners in file order; raises UsageError on the first problem found."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:  # -sig: Excel's BOM
            rows = list(csv.reader(handle))
    except OSError as exc:
        raise UsageError(f"cannot read the roster {path} ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise UsageError(f"{path}: not a UTF-8 CSV file ({exc})") from None
    if not rows:
        raise UsageError(f"{path} is empty; its header must name the columns learner,repo")
    header = [name.strip().lower() for name in rows[0]]
    for name in REQUIRED:
        if name not in header:
            raise UsageError(
                f"{path}: no {name!r} column (the columns are learner,repo and optionally "
                "email,sis_id)"
            )
    column = {name: header.index(name) for name in (*REQUIRED, *OPTIONAL) if name in header}
    learners: list[Learner] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line, as spreadsheets leave at the end

        def cell(name: str, row: list[str] = row) -> str:
            index = column.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        name = cell("learner")
        problem = folder_name_problem(name)
        if problem:
            raise UsageError(f"{path} line {number}: {problem}")
        if name in seen:
            raise UsageError(
                f"{path} line {number}: learner {name!r} appears twice (first on line "
                f"{seen[name]})"
            )
        seen[name] = number
        repo = cell("repo")
        if not repo:
            raise UsageError(f"{path} line {number}: no repo for {name!r}")
        learners.append(Learner(name, repo, cell("email"), cell("sis_id")))
    if not learners:
        raise UsageError(f"{path} lists no learners")
    return learners


def folder_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a learner's folder under the submissions root, or None."""
    if not name:
        return "a learner with no name"
    if any(c in name for c in "/\\\0") or name in (".", ".."):
        return f"learner {name!r} is not a plain folder name"
    if name.startswith((".", "_")):  # grade-all skips such folders
        return f"learner {name!r} must not start with '.' or '_'"
    return None
