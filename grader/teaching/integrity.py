"""The integrity manifest of a release: sha256 of the tests, the pytest configuration, the
catalogue (with its hint ladders) and the grader. In a repository the learner controls this is a
check that catches edits, not a lock: the README says so.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = "kata-manifest.json"
SCHEMA = "kata/manifest/v1"
ALL = "*"  # tampering that touches every kata (the grader, the configuration, the catalogue)
ROOT_FILES = ("pyproject.toml", "katas.toml")
# Files that would configure pytest if anything loaded them; the grader never does.
PYTEST_CONFIGS = ("conftest.py", "pytest.ini", ".pytest.ini", "tox.ini", "setup.cfg")


def protected_files(root: Path) -> list[str]:
    found = [f for f in ROOT_FILES if (root / f).is_file()]
    for folder in ("tests", "grader", "hints"):
        found += [
            p.relative_to(root).as_posix()
            for p in sorted((root / folder).rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
        ]
    return sorted(found)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(root: Path) -> dict:
    return {"schema": SCHEMA, "files": {rel: sha256(root / rel) for rel in protected_files(root)}}


def write(root: Path) -> Path:
    path = root / MANIFEST
    path.write_text(json.dumps(build(root), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


@dataclass
class Integrity:
    checked: bool  # False where there is no manifest (an author's repository)
    tampered: dict[str, list[str]] = field(default_factory=dict)  # slug or ALL -> "file: how"
    warnings: list[str] = field(default_factory=list)

    def for_kata(self, slug: str) -> list[str]:
        return self.tampered.get(slug, []) + self.tampered.get(ALL, [])

    def merged(self, before: Integrity) -> Integrity:
        """This check (made after the runs) with what the one before them found: an edit made
        during a run is caught by the second, an edit made before it by both."""
        tampered = {k: list(dict.fromkeys(before.tampered.get(k, []) + v))
                    for k, v in self.tampered.items()}
        for key, found in before.tampered.items():
            tampered.setdefault(key, found)
        return Integrity(self.checked or before.checked, tampered,
                         list(dict.fromkeys(before.warnings + self.warnings)))


def owner(rel: str, slugs: list[str]) -> str:
    """Which kata a protected file belongs to (the longest slug its name starts with), or ALL."""
    name = Path(rel).name
    if rel.startswith("tests/katas/"):
        matches = [s for s in slugs if name.startswith(f"test_{s}")]
    elif rel.startswith("hints/"):
        matches = [s for s in slugs if name == f"{s}.toml"]
    elif rel.startswith("tests/stubs/"):
        matches = [s for s in slugs if rel == f"tests/stubs/{s}.py"
                   or rel.startswith(f"tests/stubs/{s}/")]
    else:
        matches = []
    return max(matches, key=len) if matches else ALL


def slugs_of(root: Path) -> list[str]:
    """The slugs of a catalogue that may not load (a deleted test file is tampering, too)."""
    import tomllib

    try:
        data = tomllib.loads((root / "katas.toml").read_text(encoding="utf-8"))
        return [k["slug"] for k in data["kata"] if isinstance(k.get("slug"), str)]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def check(root: Path, slugs: list[str]) -> Integrity:
    warnings = [
        f"{p.relative_to(root)}: learner-added pytest configuration, never loaded"
        for p in _configs(root)
    ]
    path = root / MANIFEST
    if not path.is_file():
        return Integrity(False, warnings=warnings)
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return Integrity(True, {ALL: [f"{MANIFEST}: unreadable or edited"]}, warnings)
    tampered: dict[str, list[str]] = {}
    present = set(protected_files(root))
    for rel in sorted(present | set(recorded)):
        if rel not in recorded:
            if Path(rel).name in PYTEST_CONFIGS:
                continue  # never loaded: a warning above, not tampering (README's JSON example)
            how = "added"
        elif rel not in present:
            how = "deleted"
        elif sha256(root / rel) != recorded[rel]:
            how = "edited"
        else:
            continue
        tampered.setdefault(owner(rel, slugs), []).append(f"{rel}: {how}")
    return Integrity(True, tampered, warnings)


def _configs(root: Path) -> list[Path]:
    skip = {".venv", "venv", ".git", ".nox", "node_modules", ".kata"}
    found = []
    for name in PYTEST_CONFIGS:
        for p in root.rglob(name):
            if skip.isdisjoint(p.relative_to(root).parts) and p.parent != root / "grader":
                if name == "setup.cfg" and "[tool:pytest]" not in p.read_text(errors="ignore"):
                    continue
                if name == "tox.ini" and "[pytest]" not in p.read_text(errors="ignore"):
                    continue
                found.append(p)
    return sorted(found)
