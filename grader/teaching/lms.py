"""Grades for the LMS: files its gradebook import reads, one total per learner of the roster.

- ``canvas.csv``: Canvas's gradebook import format, ``Student,ID,SIS User ID,SIS Login ID,
  Section,<assignment>``. Learners are matched by their SIS User ID (the roster's ``sis_id``);
  ``Student`` holds the roster's name, and the Canvas ID, SIS Login ID and Section are left
  empty for Canvas to fill in.
- ``moodle.csv``: Moodle's CSV grade import, ``Email address,<assignment>``, keyed by email
  ("Identify user by": Email address → Email address).

The assignment column holds the total score (out of the catalogue's total points).
"""

from __future__ import annotations

from pathlib import Path

from grader.errors import UsageError
from grader.teaching import csvfile
from grader.teaching.roster import Learner

SYSTEMS = ("canvas", "moodle")
ASSIGNMENT = "Python katas"
KEY = {"canvas": "sis_id", "moodle": "email"}  # the roster column each import matches on


def check(roster: list[Learner] | None, systems: tuple[str, ...], where: str = "roster") -> None:
    """Refuse, before any grading, an export the LMS could not match to its learners."""
    if systems and roster is None:
        raise UsageError("--lms needs --roster ROSTER.csv (the learners' ids)")
    for system in systems:
        column = KEY[system]
        missing = [who.learner for who in roster or [] if not getattr(who, column)]
        if missing:
            raise UsageError(
                f"{where}: no {column} for {', '.join(missing[:5])}"
                + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
                + f"; {system}.csv matches learners by it"
            )


def write(
    system: str, roster: list[Learner], scores: dict[str, int], out: Path, assignment: str
) -> Path:
    """Write ``<system>.csv`` in ``out`` for the roster's learners that were graded."""
    rows = [who for who in roster if who.learner in scores]
    path = out / f"{system}.csv"
    if system == "canvas":
        header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment]
        return csvfile.write(
            path, header, ([w.learner, "", w.sis_id, "", "", scores[w.learner]] for w in rows)
        )
    return csvfile.write(
        path, ["Email address", assignment], ([w.email, scores[w.learner]] for w in rows)
    )


def notes(roster: list[Learner], scores: dict[str, int]) -> list[str]:
    """Who is in the roster but was not graded, and who was graded but is not in the roster."""
    listed = {who.learner for who in roster}
    found = []
    ungraded = [who.learner for who in roster if who.learner not in scores]
    if ungraded:
        found.append(f"not graded (no submission folder), left out of the LMS file: "
                     f"{', '.join(ungraded)}")
    unknown = sorted(set(scores) - listed)
    if unknown:
        found.append(f"not in the roster, left out of the LMS file: {', '.join(unknown)}")
    return found
