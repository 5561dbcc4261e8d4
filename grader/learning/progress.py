"""The learner's progress: ``.kata/progress.json``, git-ignored, written atomically.

A corrupt or unreadable file is set aside with a one-line warning and rebuilt; it never stops a
command. A crash in the middle of a write leaves the previous file whole (temp file + rename).
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from grader.errors import KataError

VERSION = 1
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


def _well_formed(data: object) -> bool:
    """The shape every command relies on; anything else is treated as a corrupt file."""
    if not isinstance(data, dict) or not isinstance(data.get("katas"), dict):
        return False
    if not isinstance(data.get("current"), str | None):
        return False
    return all(
        isinstance(entry, dict) and isinstance(entry.get("hints_shown", 0), int)
        for entry in data["katas"].values()
    )


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
        return cls(path, data)

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

    def record(self, slug: str, status: str, tests_passed: int, tests_total: int) -> None:
        entry = self.entry(slug)
        entry.setdefault("started", now())
        entry.update(
            last_status=status, tests_passed=tests_passed, tests_total=tests_total, last_run=now()
        )
        if status == "passed":
            entry["passed"] = True  # passing once is remembered, even if a later edit breaks it

    def status(self, slug: str) -> str:
        """not started, in progress, failing or passed."""
        entry = self.data["katas"].get(slug, {})
        if entry.get("last_status") == "passed":
            return "passed"
        if entry.get("last_status"):
            return "failing"
        return "in progress" if entry else "not started"

    def has_passed(self, slug: str) -> bool:
        return bool(self.data["katas"].get(slug, {}).get("passed"))

    def hints_shown(self, slug: str) -> int:
        return int(self.data["katas"].get(slug, {}).get("hints_shown", 0))

    def show_hint(self, slug: str, available: int) -> int:
        """Reveal one more hint; returns how many are now shown (at most ``available``)."""
        shown = min(self.hints_shown(slug) + 1, available)
        self.entry(slug)["hints_shown"] = shown
        return shown
