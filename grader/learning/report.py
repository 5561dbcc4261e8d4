"""Text for people: check results, the kata list and level progress.

Colour only when asked (the CLI decides: a TTY, no ``NO_COLOR``, no ``--no-color``); without it the
output is plain, stable and pipe-friendly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from grader.catalogue import LEVELS, Catalogue, Kata
from grader.learning.progress import Progress

if TYPE_CHECKING:  # the runner is heavy; `kata list` never needs it
    from grader.running.runner import KataResult, TestResult

MAX_FAILURES_SHOWN = 8
BAR = 20
COLOURS = {"green": 32, "red": 31, "yellow": 33, "blue": 34, "dim": 2, "bold": 1}
STATUS_COLOUR = {
    "passed": "green",
    "failed": "red",
    "error": "red",
    "timeout": "yellow",
    "crashed": "red",
    "failing": "red",
    "passed before": "yellow",
    "in progress": "yellow",
    "not started": "dim",
    "locked": "dim",
}


class Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, colour: str) -> str:
        if not self.color or colour not in COLOURS:
            return text
        return f"\x1b[{COLOURS[colour]}m{text}\x1b[0m"

    def mark(self, ok: bool) -> str:
        if self.color:
            return self("✓", "green") if ok else self("✗", "red")
        return "PASS" if ok else "FAIL"


def bar(done: int, total: int, width: int = BAR) -> str:
    filled = round(width * done / total) if total else 0
    return "[" + "#" * filled + "-" * (width - filled) + "]"


def render_result(kata: Kata, result: KataResult, paint: Painter, verbose: bool = False) -> str:
    """A check, task by task. A passing or untouched task is one line unless ``verbose``; a
    failing task lists its tests, with what went wrong for the first failures of each cause."""
    lines = [
        paint(f"{kata.slug}: {result.status}", STATUS_COLOUR.get(result.status, "bold"))
        + f"  ({result.tests_passed}/{len(result.tests)} tests passed)"
    ]
    if result.cause:
        lines.append(f"  {result.cause}")
    titles = {t.number: t.title for t in kata.tasks}
    by_task: dict[int | None, list[TestResult]] = {}
    for test in result.tests:
        by_task.setdefault(test.task, []).append(test)
    order = sorted(by_task, key=lambda t: (t is None, t or 0))
    untouched = {
        task
        for task, tests in by_task.items()
        if all(t.status != "passed" and t.message.startswith("NotImplementedError") for t in tests)
    }
    failures = [
        t for task in order if task not in untouched for t in by_task[task] if t.status != "passed"
    ]
    spelled = spelled_out(failures)
    for task in order:
        tests = by_task[task]
        done = sum(t.status == "passed" for t in tests)
        name = f"Task {task}" + (f" — {titles[task]}" if titles.get(task) else "")
        heading = (
            paint(f"  {name if task is not None else 'Other tests'}", "bold")
            + f"  {done}/{len(tests)}"
        )
        if done == len(tests):
            heading += " " + paint.mark(True)
        elif task in untouched:  # one pointer to the stub, not a wall of identical failures
            where = next((t.where for t in tests if t.where), None)
            heading += paint("  not started yet", "yellow") + (
                paint(f" ({where.split(': ', 1)[0]})", "dim") if where else ""
            )
        lines.append(heading)
        if not verbose and (done == len(tests) or task in untouched):
            continue
        for test in tests:
            ok = test.status == "passed"
            lines.append(f"    {paint.mark(ok)} {test.title}")
            if ok or task in untouched:
                continue
            if test.name not in spelled:
                lines[-1] += paint("  (details cut)", "dim")
                continue
            if test.message:
                lines.extend("        " + line for line in test.message.splitlines()[:12])
            if test.where:
                lines.append(paint(f"        at {test.where}", "dim"))
    if len(failures) > len(spelled):
        lines.append(
            paint(
                f"  … details of {len(failures) - len(spelled)} more failing tests were "
                "cut; fix the first ones, they often cause the rest",
                "dim",
            )
        )
    return "\n".join(lines)


_EXCEPTION = re.compile(r"^([A-Z]\w*(?:Error|Exception|Exit|Interrupt))\b")
_LITERAL = re.compile(r"'[^']*'|\"[^\"]*\"|0x[0-9a-fA-F]+|\d+(?:\.\d+)?")


def cause(test: TestResult) -> tuple[str, str]:
    """What a failure comes from: the exception and the learner's line it came from, or, for a
    test's own assertion, its message with the literal values taken out (one check, many
    inputs)."""
    first = test.message.splitlines()[0] if test.message else ""
    found = _EXCEPTION.match(first)
    kind = found.group(1) if found else test.status
    if test.where:
        return kind, test.where.split(": ", 1)[0]
    return kind, _LITERAL.sub("_", first)


def spelled_out(failures: list[TestResult]) -> set[str]:
    """The failures shown in full: the first of each cause, then the first ones in order, up to
    ``MAX_FAILURES_SHOWN``; a different cause never hides behind the cut."""
    keep = {first.name for first in {cause(t): t for t in reversed(failures)}.values()}
    for test in failures:
        if len(keep) >= MAX_FAILURES_SHOWN:
            break
        keep.add(test.name)
    return keep


def passed_before(progress: Progress, slug: str) -> str:
    """A pass kept while the code fails now: "passed before (2026-11-28 14:02)"."""
    when = progress.passed_when(slug)
    return f"passed before ({when})" if when else "passed before"


def level_name(level: str) -> str:
    return level.capitalize()


def render_levels(catalogue: Catalogue, progress: Progress, paint: Painter) -> str:
    lines = []
    total_done = total_points = earned = 0
    for level, katas in catalogue.by_level().items():
        if not katas:
            continue
        done = [k for k in katas if progress.has_passed(k.slug)]
        points = sum(k.points for k in katas)
        got = sum(k.points for k in done)
        lines.append(
            f"{level_name(level):<13}{bar(len(done), len(katas))} "
            f"{len(done)}/{len(katas)}  {got}/{points} points"
        )
        total_done += len(done)
        total_points += points
        earned += got
    lines.append(
        paint(
            f"{'Overall':<13}{bar(total_done, len(catalogue.katas))} "
            f"{total_done}/{len(catalogue.katas)}  {earned}/{total_points} points",
            "bold",
        )
    )
    return "\n".join(lines)


def next_kata(catalogue: Catalogue, progress: Progress, locked: Iterable[str] = ()) -> Kata | None:
    """The first kata after the current one, in learning order, that has never passed, wrapping
    round to the start; None once every kata has passed. `kata next`, `kata progress` and a
    check's "Passed! Next:" all ask this one function."""
    locked = set(locked)
    katas = [k for k in catalogue.katas if k.slug not in locked]
    slugs = [k.slug for k in katas]
    start = slugs.index(progress.current) + 1 if progress.current in slugs else 0
    return next((k for k in katas[start:] + katas[:start] if not progress.has_passed(k.slug)), None)


def render_list(
    catalogue: Catalogue, progress: Progress, paint: Painter, locked: Iterable[str] = ()
) -> str:
    locked = set(locked)
    lines = []
    width = max(len(k.slug) for k in catalogue.katas)
    for level in LEVELS:
        katas = catalogue.by_level()[level]
        if not katas:
            continue
        done = sum(progress.has_passed(k.slug) for k in katas)
        lines.append(
            paint(f"{level_name(level)} {bar(done, len(katas))} {done}/{len(katas)}", "bold")
        )
        for kata in katas:
            status = "locked" if kata.slug in locked else progress.status(kata.slug)
            when = progress.passed_when(kata.slug) if status == "passed before" else ""
            note = f"  (last passed {when}; failing now)" if when else ""
            current = "*" if progress.current == kata.slug else " "
            lines.append(
                f" {current} {kata.slug:<{width}}  "
                + paint(f"{status:<13}", STATUS_COLOUR[status])
                + f"  {kata.points:>3} pts  {kata.title}"
                + paint(note, "dim")
            )
        lines.append("")
    lines.append(render_levels(catalogue, progress, paint).splitlines()[-1])
    return "\n".join(lines)
