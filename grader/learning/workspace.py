"""The learner's files: recreate a missing stub, back up before any overwrite, restore a stub.

Nothing here overwrites a learner's file without first copying it to
``.kata/backups/<slug>-<timestamp>/``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from grader.catalogue import Kata
from grader.errors import KataError
from grader.learning.progress import STATE_DIR, stamp


def missing_files(root: Path, kata: Kata) -> list[str]:
    return [f for f in kata.files if not (root / f).exists()]


def restore_missing(root: Path, kata: Kata) -> list[str]:
    """Copy the pristine stub where a learner file does not exist; never touch one that does."""
    created = missing_files(root, kata)
    for rel in created:
        _copy(root / kata.pristine(rel), root / rel)
    return created


def backup(root: Path, kata: Kata) -> Path | None:
    """Copy the learner's current files for ``kata``; returns the folder, or None if none exist."""
    present = [f for f in kata.files if (root / f).exists()]
    if not present:
        return None
    folder = root / STATE_DIR / "backups" / f"{kata.slug}-{stamp()}"
    for rel in present:
        source = root / rel
        if source.is_dir():
            raise KataError(
                f"{rel} is a folder, but kata {kata.slug!r} expects a file there; "
                "move it away, then try again"
            )
        _copy(source, folder / rel)
    return folder


def reset(root: Path, kata: Kata) -> Path | None:
    """Back up the learner's files, then restore every file of the kata from its pristine copy."""
    saved = backup(root, kata)
    for rel in kata.files:
        _copy(root / kata.pristine(rel), root / rel)
    return saved


def _copy(source: Path, target: Path) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    except OSError as exc:
        raise KataError(f"cannot copy {source} to {target} ({exc.strerror or exc})") from None


MAX_SUBMITTED_FILE = 1024 * 1024  # bytes; a kata file larger than this is not a kata file


def collect_submission(submission: Path, katas: list[Kata], into: Path) -> list[str]:
    """Copy only the learner's kata files from a submission into ``into`` (a tree to grade).

    Everything else in the submission (tests, configuration, a grader of its own) is ignored, so
    that only the teacher's pristine copy decides the grade. Links are not followed.
    """
    problems = []
    for kata in katas:
        for rel in kata.files:
            source, problem = submitted_file(submission, rel)
            if problem:
                problems.append(problem)
            elif source:
                _copy(source, into / rel.removeprefix("katas/"))
    return problems


def submitted_file(submission: Path, rel: str) -> tuple[Path | None, str]:
    """The learner's file at ``rel`` if it may be graded, else None and why (nothing if absent)."""
    source = submission / rel
    if source.is_symlink() or (source.exists() and not source.is_file()):
        return None, f"{rel}: not a regular file, ignored"
    if not source.exists():
        return None, ""
    if source.stat().st_size > MAX_SUBMITTED_FILE:
        return None, f"{rel}: larger than {MAX_SUBMITTED_FILE} bytes, ignored"
    return source, ""
