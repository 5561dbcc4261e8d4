"""The catalogue: ``katas.toml``, the single source of truth for every kata.

Its order is the learning order. Loading it validates it and fails with one line that names the
kata and the field. Loading never needs ``solutions/``: a learner's release has none.

Each kata's tasks are the ``## Task N`` headings of its README; each task's hint ladder lives in
``hints/<slug>.toml``, out of the catalogue that learners open (``hints/README.md``).

``reveal`` (and ``deadline``) say when a class release shows a passed kata's reference solution
and approaches page to the learner (``docs/teachers.md``, section 9).
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

from grader.errors import KataError, UsageError

CATALOGUE = "katas.toml"
HINTS = "hints"
LEVELS = ("beginner", "intermediate", "advanced")
MIN_RUNGS = 2  # a ladder climbs from the concept to the API to use
REVEAL = ("after-pass", "after-deadline", "never")
# After a pass, as rustlings and Exercism do: a learner who passed already holds a working answer
# to pass round, so the reference adds no leak (docs/teachers.md, section 9).
DEFAULT_REVEAL = "after-pass"


class CatalogueError(KataError):
    """The catalogue is missing, unreadable or inconsistent with the files."""


class UnknownKata(UsageError):
    pass


@dataclass(frozen=True)
class Limits:
    """What one kata run may use. Defaults live in ``[limits]``; a kata may override any of them."""

    test_timeout: float = 10.0  # seconds per test (pytest-timeout)
    wall_clock: float = 120.0  # seconds for the whole suite, collection included
    memory_mb: int = 2048  # address-space cap of the process running the suite


@dataclass(frozen=True)
class Task:
    """A ``## Task N — title`` of the kata README, with its hint ladder (concept first)."""

    number: int
    title: str
    hints: tuple[str, ...]


@dataclass(frozen=True)
class Reveal:
    """When a class release shows a passed kata's reference and approaches to its learner."""

    policy: str = DEFAULT_REVEAL
    deadline: datetime | None = None  # only with "after-deadline"; always with an offset

    def allows(self, moment: datetime) -> bool:
        if self.policy == "after-deadline":
            return self.deadline is not None and moment >= self.deadline
        return self.policy == "after-pass"

    def __str__(self) -> str:
        if self.deadline is None:
            return self.policy
        return f"{self.policy} ({self.deadline.isoformat(' ', 'minutes')})"


def parse_time(text: str, where: str) -> datetime:
    """An ISO 8601 date and time; without an offset it is UTC (as on GitHub's runners)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"{where} {text!r}: not an ISO 8601 date and time (such as 2026-12-01T23:59:00+01:00)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def reveal_policy(policy: object, deadline: object, where: str = "--reveal") -> Reveal:
    """A checked policy: one of REVEAL, and "after-deadline" with its deadline (UsageError)."""
    if policy not in REVEAL:
        raise UsageError(f"{where} {policy!r}: must be one of {', '.join(REVEAL)}")
    if policy != "after-deadline":
        return Reveal(policy)
    if deadline is None:
        raise UsageError(
            f'{where} "after-deadline" needs a deadline: --deadline ISO-8601 '
            "(or deadline = 2026-12-01T23:59:00+01:00 in katas.toml)"
        )
    if isinstance(deadline, date) and not isinstance(deadline, datetime):
        deadline = datetime.combine(deadline, datetime.min.time())  # TOML's bare date: midnight
    if isinstance(deadline, datetime):
        moment = deadline if deadline.tzinfo else deadline.replace(tzinfo=UTC)
    elif isinstance(deadline, str):
        moment = parse_time(deadline, "deadline")
    else:
        raise UsageError(f"deadline {deadline!r}: not an ISO 8601 date and time")
    return Reveal(policy, moment)


@dataclass(frozen=True)
class Kata:
    slug: str
    level: str
    title: str
    question: str
    points: int
    files: tuple[str, ...]  # what the learner edits, relative to the repository root
    limits: Limits = field(default_factory=Limits)
    tasks: tuple[Task, ...] = ()

    def task(self, number: int) -> Task:
        for task in self.tasks:
            if task.number == number:
                return task
        numbers = ", ".join(str(t.number) for t in self.tasks)
        raise UsageError(f"{self.slug} has no task {number}; its tasks are {numbers}")

    @property
    def hints_file(self) -> str:
        return f"{HINTS}/{self.slug}.toml"

    @property
    def is_package(self) -> bool:
        return any(f.startswith(f"katas/{self.slug}/") for f in self.files)

    @property
    def module_path(self) -> str:
        """The module or package under ``katas/`` (relative to the repository root)."""
        return f"katas/{self.slug}" + ("" if self.is_package else ".py")

    @property
    def test_file(self) -> str:
        return f"tests/katas/test_{self.slug}.py"

    @property
    def readme(self) -> str:
        return f"katas/{self.slug}.md"

    def pristine(self, learner_file: str) -> str:
        """Where the pristine copy of a learner file lives: ``tests/stubs/`` mirrors ``katas/``."""
        return "tests/stubs/" + learner_file.removeprefix("katas/")

    @property
    def solution_path(self) -> str:
        return f"solutions/{self.slug}" + ("" if self.is_package else ".py")

    @property
    def mutants_dir(self) -> str:
        return f"solutions/mutants/{self.slug}"

    @property
    def approaches_path(self) -> str:
        return f"solutions/{self.slug}.approaches.md"

    def reference(self, root: Path) -> list[str]:
        """The reference solution's files (one per learner file) and then the approaches page,
        those of them that exist under ``root``: what a pass may reveal."""
        paths = ["solutions/" + f.removeprefix("katas/") for f in self.files]
        return [p for p in [*paths, self.approaches_path] if (root / p).is_file()]


@dataclass(frozen=True)
class Catalogue:
    root: Path
    katas: tuple[Kata, ...]
    gated: bool = False
    reveal: Reveal = field(default_factory=Reveal)

    def get(self, slug: str) -> Kata:
        for kata in self.katas:
            if kata.slug == slug:
                return kata
        raise UnknownKata(f"no kata named {slug!r}{did_you_mean(slug, self.slugs)}")

    @property
    def slugs(self) -> list[str]:
        return [k.slug for k in self.katas]

    def by_level(self) -> dict[str, list[Kata]]:
        return {level: [k for k in self.katas if k.level == level] for level in LEVELS}

    @property
    def total_points(self) -> int:
        return sum(k.points for k in self.katas)


def did_you_mean(word: str, choices: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    return f"; did you mean {close[0]!r}?" if close else f"; `kata list` shows all {len(choices)}"


def find_root(start: Path | None = None) -> Path:
    """Walk up from ``start`` (the current directory) to the folder holding ``katas.toml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CATALOGUE).is_file():
            return folder
    raise CatalogueError(
        f"no {CATALOGUE} in {here} or any folder above it; "
        "run kata inside a kata repository, or pass --repo DIR"
    )


def load(root: Path | None = None) -> Catalogue:
    root = find_root() if root is None else Path(root).resolve()
    path = root / CATALOGUE
    data = _read_toml(path, str(path), "no catalogue here; run kata inside a kata repository")
    defaults = _limits(data.get("limits", {}), Limits(), "[limits]")
    entries = data.get("kata")
    if not isinstance(entries, list) or not entries:
        raise CatalogueError(f"{path}: no [[kata]] entries")
    katas: list[Kata] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, 1):
        kata = _kata(entry, index, defaults)
        if kata.slug in seen:
            raise CatalogueError(f"kata {kata.slug!r}: slug: duplicate slug")
        seen.add(kata.slug)
        _check_files(root, kata)
        katas.append(replace(kata, tasks=_tasks(root, kata)))
    gated = data.get("gated", False)
    if not isinstance(gated, bool):
        raise CatalogueError(f"{path}: gated: must be true or false")
    try:
        reveal = reveal_policy(data.get("reveal", DEFAULT_REVEAL), data.get("deadline"), "reveal")
    except UsageError as exc:
        raise CatalogueError(f"{path}: {exc}") from None
    return Catalogue(root=root, katas=tuple(katas), gated=gated, reveal=reveal)


def _read_toml(path: Path, where: str, missing: str) -> dict:
    """A TOML file, or one line that says what is wrong with it."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogueError(f"{where}: {missing}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{where}: cannot read it ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{where}: not valid TOML ({exc})") from None


def _kata(entry: object, index: int, defaults: Limits) -> Kata:
    where = f"kata #{index}"
    if not isinstance(entry, dict):
        raise CatalogueError(f"{where}: must be a table")
    slug = entry.get("slug")
    if not isinstance(slug, str) or not slug.isidentifier() or slug != slug.lower():
        raise CatalogueError(f"{where}: slug: must be a lowercase Python identifier, got {slug!r}")
    where = f"kata {slug!r}"
    if slug in sys.stdlib_module_names:
        raise CatalogueError(f"{where}: slug: shadows the standard-library module {slug!r}")
    level = entry.get("level")
    if level not in LEVELS:
        raise CatalogueError(f"{where}: level: {level!r} is not one of {', '.join(LEVELS)}")
    for name in ("title", "question"):
        if not isinstance(entry.get(name), str) or not entry[name].strip():
            raise CatalogueError(f"{where}: {name}: missing or empty")
    points = entry.get("points")
    if not isinstance(points, int) or isinstance(points, bool) or points <= 0:
        raise CatalogueError(f"{where}: points: must be a positive integer, got {points!r}")
    if "hints" in entry:
        raise CatalogueError(
            f"{where}: hints: moved out of the catalogue into {HINTS}/{slug}.toml "
            f"(see {HINTS}/README.md)"
        )
    files = entry.get("files", [f"katas/{slug}.py"])
    if (
        not isinstance(files, list)
        or not files
        or not all(
            isinstance(f, str) and (f == f"katas/{slug}.py" or f.startswith(f"katas/{slug}/"))
            for f in files
        )
    ):
        raise CatalogueError(
            f"{where}: files: must list katas/{slug}.py or files under katas/{slug}/"
        )
    limits = _limits(entry.get("limits", {}), defaults, f"{where}: limits")
    unknown = set(entry) - {
        "slug",
        "level",
        "title",
        "question",
        "points",
        "files",
        "limits",
    }
    if unknown:
        raise CatalogueError(f"{where}: {sorted(unknown)[0]}: unknown field")
    return Kata(
        slug,
        level,
        entry["title"],
        entry["question"].strip(),
        points,
        tuple(files),
        limits,
    )


def _limits(table: object, base: Limits, where: str) -> Limits:
    if not isinstance(table, dict):
        raise CatalogueError(f"{where}: must be a table")
    values = {}
    for name, value in table.items():
        if name not in Limits.__dataclass_fields__:
            raise CatalogueError(f"{where}: {name}: unknown limit")
        if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
            raise CatalogueError(f"{where}: {name}: must be a positive number, got {value!r}")
        values[name] = value
    return Limits(**{**base.__dict__, **values})


def _check_files(root: Path, kata: Kata) -> None:
    if not (root / kata.test_file).is_file():
        raise CatalogueError(f"kata {kata.slug!r}: tests: missing test file {kata.test_file}")
    for learner_file in kata.files:
        if not (root / kata.pristine(learner_file)).is_file():
            raise CatalogueError(
                f"kata {kata.slug!r}: files: missing pristine stub {kata.pristine(learner_file)}"
            )


TASK_HEADING = re.compile(r"^##\s+Task\s+(\d+)\s*(?:[—–:-]\s*(.*))?$", re.MULTILINE)


def readme_tasks(text: str) -> dict[int, str]:
    """The numbered tasks of a kata README (``## Task 2 — Retry``), as {2: "Retry"}."""
    return {
        int(m.group(1)): (m.group(2) or "").replace("`", "").strip()
        for m in TASK_HEADING.finditer(text)
    }


def _tasks(root: Path, kata: Kata) -> tuple[Task, ...]:
    """The README's tasks, each with its ladder from ``hints/<slug>.toml``, validated."""
    where = f"kata {kata.slug!r}: hints: {kata.hints_file}"
    try:
        titles: dict[int, str] | None = readme_tasks(
            (root / kata.readme).read_text(encoding="utf-8")
        )
    except (OSError, UnicodeDecodeError):
        # a README the learner deleted (it lives in katas/), or the teacher's bundle, which
        # has none: the ladders alone name the tasks, and `kata verify` reports the README
        titles = None
    data = _read_toml(
        root / kata.hints_file, where, f"missing (one hint ladder per task; see {HINTS}/README.md)"
    )
    entries = data.get("task")
    if set(data) != {"task"} or not isinstance(entries, list) or not entries:
        raise CatalogueError(f"{where}: must hold [[task]] tables and nothing else")
    ladders: dict[int, tuple[str, ...]] = {}
    for entry in entries:
        number = entry.get("number") if isinstance(entry, dict) else None
        if not isinstance(number, int) or isinstance(number, bool):
            raise CatalogueError(f"{where}: every [[task]] needs number = N")
        rungs = entry.get("rungs")
        unknown = sorted(set(entry) - {"number", "rungs"})
        if unknown:
            raise CatalogueError(f"{where}: task {number}: {unknown[0]}: unknown key")
        if number in ladders:
            raise CatalogueError(f"{where}: task {number}: two ladders")
        if titles is not None and number not in titles:
            raise CatalogueError(f"{where}: task {number}: {kata.readme} has no '## Task {number}'")
        if not isinstance(rungs, list) or not all(isinstance(r, str) and r.strip() for r in rungs):
            raise CatalogueError(f"{where}: task {number}: rungs must be non-empty strings")
        if len(rungs) < MIN_RUNGS:
            raise CatalogueError(
                f"{where}: task {number}: {len(rungs)} rung{'s' * (len(rungs) != 1)}, "
                f"at least {MIN_RUNGS} needed"
            )
        ladders[number] = tuple(r.strip() for r in rungs)
    missing = sorted(set(titles or ()) - set(ladders))
    if missing:
        raise CatalogueError(f"{where}: no ladder for Task {missing[0]} of {kata.readme}")
    return tuple(Task(n, (titles or {}).get(n, ""), ladders[n]) for n in sorted(ladders))
