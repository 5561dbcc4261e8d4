"""Sharding a class: ``--shard K/N`` picks a stable 1/N of the learners, and the shards' outputs
merge into exactly what one unsharded run writes.

A learner belongs to shard ``sha256(name) mod N``: every shard (and ``kata collect``) agrees
without talking to the others, whatever subset of the class a machine happens to hold.

**The shard file**, ``shard.json`` (schema ``kata/shard/v1``), holds everything the merge needs
to recompute the reports exactly, similarity across shards included:

- ``shard`` ("K/N"), ``catalogue`` (sha256 of the catalogue, the suites and the pristine stubs,
  which must match the merging repository's) and ``extra_tests`` (sha256 of the teacher's hidden
  tests, which must match across the shards);
- ``submissions``: per learner, in name order, ``learner``, ``warnings`` (files set aside),
  ``sources`` (the text of each graded kata file, by path: similarity is pairwise, so the merge
  needs the files themselves, not a per-shard summary), and ``katas``: per kata ``slug``,
  ``flags`` (the static check's) and ``result`` (the run: status, cause, every test's name,
  task, status, message, where and duration).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from grader.catalogue import Catalogue
from grader.errors import UsageError
from grader.running.runner import KataResult, TestResult

SCHEMA = "kata/shard/v1"
FILE = "shard.json"


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based, as written on the command line
    total: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        index, slash, total = text.partition("/")
        if not (slash and index.strip().isdigit() and total.strip().isdigit()):
            raise UsageError(f"--shard {text!r}: expected K/N, such as 1/4")
        shard = cls(int(index), int(total))
        if not 1 <= shard.index <= shard.total:
            raise UsageError(f"--shard {text!r}: K must be between 1 and N")
        return shard

    def __contains__(self, name: str) -> bool:
        digest = hashlib.sha256(name.encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "big") % self.total == self.index - 1

    def __str__(self) -> str:
        return f"{self.index}/{self.total}"


def digest(paths: list[Path], root: Path) -> str:
    """sha256 over the files' paths (relative to ``root``) and contents."""
    h = hashlib.sha256()
    for path in paths:
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes() if path.is_file() else b"<missing>")
        h.update(b"\0")
    return h.hexdigest()


def catalogue_digest(catalogue: Catalogue) -> str:
    root = catalogue.root
    paths = [root / "katas.toml"]
    for kata in catalogue.katas:
        paths.append(root / kata.test_file)
        paths += [root / kata.pristine(rel) for rel in kata.files]
    return digest(paths, root)


def extra_digest(extra: dict[str, tuple[Path, ...]]) -> str:
    files = sorted(p for paths in extra.values() for p in paths)
    return digest(files, files[0].parent) if files else ""


def write(
    out: Path, catalogue: Catalogue, shard: Shard, graded: list, extra: dict[str, tuple[Path, ...]]
) -> Path:
    data = {
        "schema": SCHEMA,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "shard": str(shard),
        "catalogue": catalogue_digest(catalogue),
        "extra_tests": extra_digest(extra),
        "submissions": [
            {
                "learner": sub.name,
                "sandboxed": sub.book.sandboxed,
                "warnings": sub.book.warnings,
                "sources": sub.sources,
                "katas": [
                    {"slug": g.kata.slug, "flags": g.flags, "result": asdict(g.result)}
                    for g in sub.book.grades
                ],
            }
            for sub in graded
        ],
    }
    path = out / FILE
    out.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data) + "\n", encoding="utf-8")
    return path


def read(catalogue: Catalogue, folders: list[Path]) -> list:
    """The submissions of every shard, checked to be one whole class graded the same way."""
    from grader.teaching.gradeall import Submission
    from grader.teaching.grading import Gradebook, KataGrade

    shards: dict[Shard, Path] = {}
    extra: set[str] = set()
    graded: dict[str, Submission] = {}
    expected = catalogue_digest(catalogue)
    for folder in folders:
        data = _load(folder / FILE)
        shard = Shard.parse(str(data.get("shard", "")))
        if shard in shards:
            raise UsageError(f"{folder} and {shards[shard]} both hold shard {shard}")
        shards[shard] = folder
        if data.get("catalogue") != expected:
            raise UsageError(
                f"{folder}: shard {shard} was graded with other katas, tests or stubs than "
                f"{catalogue.root}"
            )
        extra.add(data.get("extra_tests", ""))
        try:
            for entry in data["submissions"]:
                name = entry["learner"]
                if name in graded:
                    raise UsageError(f"learner {name!r} is in two shards")
                results = {k["slug"]: k for k in entry["katas"]}
                if set(results) != set(catalogue.slugs):
                    raise UsageError(f"{folder}: {name!r} was graded on other katas")
                grades = []
                for kata in catalogue.katas:
                    result = _result(results[kata.slug]["result"])
                    flags = list(results[kata.slug]["flags"])
                    grades.append(KataGrade(kata, result, result.tampered, flags))
                book = Gradebook(grades, True, list(entry["warnings"]), entry["sandboxed"])
                graded[name] = Submission(name, folder, book, dict(entry["sources"]))
        except (KeyError, TypeError, AttributeError) as exc:
            raise UsageError(f"{folder / FILE}: a malformed shard file ({exc!r})") from None
    totals = {s.total for s in shards}
    if len(totals) > 1:
        raise UsageError(f"the shards split the class differently: {', '.join(map(str, shards))}")
    if len(extra) > 1:
        raise UsageError("the shards were graded with different --extra-tests")
    total = totals.pop()
    missing = [f"{k}/{total}" for k in range(1, total + 1) if Shard(k, total) not in shards]
    if missing:
        raise UsageError(f"missing shard {', '.join(missing)}: pass every shard's folder")
    return [graded[name] for name in sorted(graded)]


def _load(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(
            f"{path.parent} holds no {FILE}: pass the folders that `kata grade-all --shard` wrote"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path}: not a readable shard file ({exc})") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise UsageError(f"{path}: not a {SCHEMA} shard file")
    return data


def _result(data: dict) -> KataResult:
    tests = [TestResult(**t) for t in data["tests"]]
    return KataResult(
        data["slug"], data["status"], data["cause"], tests, data["duration"], data["tampered"]
    )
