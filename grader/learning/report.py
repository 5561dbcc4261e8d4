"""Text for people: check results, the kata list and level progress.

Colour only when asked (the CLI decides: a TTY, no ``NO_COLOR``, no ``--no-color``); without it the
output is plain, stable and pipe-friendly.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from grader.catalogue import LEVELS, Catalogue, Kata, readme_tasks
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


def render_result(catalogue: Catalogue, kata: Kata, result: KataResult, paint: Painter) -> str:
    lines = [
        paint(f"{kata.slug}: {result.status}", STATUS_COLOUR.get(result.status, "bold"))
        + f"  ({result.tests_passed}/{len(result.tests)} tests passed)"
    ]
    if result.cause:
        lines.append(f"  {result.cause}")
    titles = readme_tasks(catalogue.root, kata)
    by_task: dict[int | None, list[TestResult]] = {}
    for test in result.tests:
        by_task.setdefault(test.task, []).append(test)
    shown = 0
    for task in sorted(by_task, key=lambda t: (t is None, t or 0)):
        tests = by_task[task]
        done = sum(t.status == "passed" for t in tests)
        name = f"Task {task}" + (f" — {titles[task]}" if titles.get(task) else "")
        heading = (
            paint(f"  {name if task is not None else 'Other tests'}", "bold")
            + f"  {done}/{len(tests)}"
        )
        untouched = not done and all(t.message.startswith("NotImplementedError") for t in tests)
        if done == len(tests):
            heading += " " + paint.mark(True)
        elif untouched:  # one pointer to the stub, not a wall of identical failures
            where = next((t.where for t in tests if t.where), None)
            heading += paint("  not started yet", "yellow") + (
                paint(f" ({where.split(': ', 1)[0]})", "dim") if where else ""
            )
        lines.append(heading)
        for test in tests:
            ok = test.status == "passed"
            lines.append(f"    {paint.mark(ok)} {test.title}")
            if ok or untouched:
                continue
            shown += 1
            if shown > MAX_FAILURES_SHOWN:
                lines[-1] += paint("  (details cut)", "dim")
                continue
            if test.message:
                lines.extend("        " + line for line in test.message.splitlines()[:12])
            if test.where:
                lines.append(paint(f"        at {test.where}", "dim"))
    if shown > MAX_FAILURES_SHOWN:
        lines.append(
            paint(
                f"  … details of {shown - MAX_FAILURES_SHOWN} more failing tests were "
                "cut; fix the first ones, they often cause the rest",
                "dim",
            )
        )
    return "\n".join(lines)


def level_name(level: str) -> str:
    return level.capitalize()


def render_levels(catalogue: Catalogue, progress: Progress, paint: Painter) -> str:
    lines = []
    total_done = total_points = earned = 0
    for level, katas in catalogue.by_level().items():
        if not katas:
            continue
        done = [k for k in katas if progress.status(k.slug) == "passed"]
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


def next_kata(catalogue: Catalogue, progress: Progress) -> Kata | None:
    return next((k for k in catalogue.katas if progress.status(k.slug) != "passed"), None)


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
        done = sum(progress.status(k.slug) == "passed" for k in katas)
        lines.append(
            paint(f"{level_name(level)} {bar(done, len(katas))} {done}/{len(katas)}", "bold")
        )
        for kata in katas:
            status = "locked" if kata.slug in locked else progress.status(kata.slug)
            current = "*" if progress.current == kata.slug else " "
            lines.append(
                f" {current} {kata.slug:<{width}}  "
                + paint(f"{status:<11}", STATUS_COLOUR[status])
                + f"  {kata.points:>3} pts  {kata.title}"
            )
        lines.append("")
    lines.append(render_levels(catalogue, progress, paint).splitlines()[-1])
    return "\n".join(lines)
