"""The learner's progress: ``.kata/progress.json``, git-ignored, written atomically.

A corrupt or unreadable file is set aside with a one-line warning and rebuilt; it never stops a
command. A crash in the middle of a write leaves the previous file whole (temp file + rename).

A pass is never taken back: a kata that passed and fails now is ``passed before`` and keeps its
points here (``kata grade``, for a teacher, scores the code as it is now).
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from grader.errors import KataError

VERSION = 2  # 2: hint ladders per task, the tasks failing, when it passed
STATE_DIR = ".kata"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def stamp() -> str:
    """A timestamp that sorts and is safe in a folder name."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def write_json_atomic(path: Path, data: Any) -> None:
    """Write to a temp file beside ``path``, fsync, then rename over it: all or nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2, sort_keys=True)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def local_time(iso: str) -> str:
    """A stored UTC timestamp as the learner's local time, to the minute."""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return ""


def _counts(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _well_formed(data: object) -> bool:
    """The shape every command relies on; anything else is treated as a corrupt file."""
    if not isinstance(data, dict) or not isinstance(data.get("katas"), dict):
        return False
    if not isinstance(data.get("current"), str | None):
        return False
    return all(
        isinstance(entry, dict)
        and _counts(entry.get("hints_shown", 0))  # version 1: one count across all tasks
        and _counts(entry.get("hints_before_ladders", 0))
        and isinstance(entry.get("hints", {}), dict)
        and all(k.isdigit() and _counts(v) for k, v in entry.get("hints", {}).items())
        and isinstance(entry.get("failing_tasks", []), list)
        and all(_counts(t) for t in entry.get("failing_tasks", []))
        for entry in data["katas"].values()
    )


def _migrate(data: dict) -> dict:
    """Version 1 counted hints across a kata's one list, whose texts are gone: the count is kept
    as hints used before the ladders, and every ladder starts at its first rung."""
    for entry in data["katas"].values():
        shown = entry.pop("hints_shown", 0)
        if shown:
            entry["hints_before_ladders"] = shown
        if entry.get("passed") and entry.get("last_status") == "passed":
            entry.setdefault("passed_at", entry.get("last_run"))
    data["version"] = VERSION
    return data


class Progress:
    def __init__(self, path: Path, data: dict, warning: str | None = None) -> None:
        self.path = path
        self.data = data
        self.warning = warning  # set when a corrupt file was moved aside

    @classmethod
    def load(cls, root: Path) -> Progress:
        path = root / STATE_DIR / "progress.json"
        fresh = {"version": VERSION, "current": None, "katas": {}}
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path, fresh)
        except (OSError, UnicodeDecodeError) as exc:
            return cls(path, fresh, cls._set_aside(path, f"unreadable ({exc.__class__.__name__})"))
        try:
            data = json.loads(text)
            if not _well_formed(data):
                raise ValueError("not a progress object")
        except ValueError:
            return cls(path, fresh, cls._set_aside(path, "corrupt"))
        data.setdefault("current", None)
        return cls(path, _migrate(data))

    @staticmethod
    def _set_aside(path: Path, why: str) -> str:
        aside = path.with_name(f"progress.{stamp()}.corrupt")
        try:
            path.replace(aside)
            where = f"moved to {aside.relative_to(path.parent.parent)}"
        except OSError:
            where = "left in place"
        return f"warning: {path.name} was {why}; {where}, starting a fresh record"

    def save(self) -> None:
        try:
            write_json_atomic(self.path, self.data)
        except OSError as exc:
            raise KataError(
                f"cannot save progress to {self.path} ({exc.strerror or exc}); "
                f"check that {self.path.parent} is a writable folder"
            ) from None

    def entry(self, slug: str) -> dict:
        return self.data["katas"].setdefault(slug, {})

    @property
    def current(self) -> str | None:
        return self.data.get("current")

    def start(self, slug: str) -> None:
        self.data["current"] = slug
        self.entry(slug).setdefault("started", now())

    def record(
        self,
        slug: str,
        status: str,
        tests_passed: int,
        tests_total: int,
        failing_tasks: list[int] | None = None,
    ) -> None:
        entry = self.entry(slug)
        entry.setdefault("started", now())
        entry.update(
            last_status=status,
            tests_passed=tests_passed,
            tests_total=tests_total,
            last_run=now(),
            failing_tasks=sorted(failing_tasks or []),
        )
        if status == "passed":
            # passing once is remembered, even if a later edit breaks it
            entry.update(passed=True, passed_at=entry["last_run"])

    def _get(self, slug: str) -> dict:
        return self.data["katas"].get(slug, {})

    def status(self, slug: str) -> str:
        """not started, in progress, failing, passed before (and failing now) or passed."""
        entry = self._get(slug)
        if entry.get("last_status") == "passed":
            return "passed"
        if entry.get("passed"):
            return "passed before"
        if entry.get("last_status"):
            return "failing"
        return "in progress" if entry else "not started"

    def has_passed(self, slug: str) -> bool:
        return bool(self._get(slug).get("passed"))

    def passed_when(self, slug: str) -> str:
        """When the kata last passed, in local time ("" if this record does not know)."""
        return local_time(self._get(slug).get("passed_at"))

    def failing_tasks(self, slug: str) -> list[int] | None:
        """The tasks with a failing test at the last check; None before any check."""
        return self._get(slug).get("failing_tasks")

    def rungs_shown(self, slug: str, task: int) -> int:
        return int(self._get(slug).get("hints", {}).get(str(task), 0))

    def hints_used(self, slug: str) -> dict[int, int]:
        """Rungs shown per task, in task order."""
        shown = self._get(slug).get("hints", {})
        return {n: shown[str(n)] for n in sorted(map(int, shown)) if shown[str(n)]}

    def hints_before_ladders(self, slug: str) -> int:
        return int(self._get(slug).get("hints_before_ladders", 0))

    def show_rung(self, slug: str, task: int, available: int) -> int:
        """Reveal one more rung of a task's ladder; returns how many are now shown."""
        shown = min(self.rungs_shown(slug, task) + 1, available)
        self.entry(slug).setdefault("hints", {})[str(task)] = shown
        return shown
