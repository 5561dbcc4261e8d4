"""``kata grade-all ROOT``: grade a class against the teacher's pristine tests.

Each folder under ROOT is one learner's submission. Only the learner's kata files are taken from
it; every (submission, kata) pair runs isolated, all cores busy, and a broken or hostile submission
never stops the batch. Writes ``grades.csv`` and a class report (Markdown, JSON and HTML).
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from grader.catalogue import LEVELS, Catalogue, Kata
from grader.learning import workspace
from grader.running.runner import (
    KataResult,
    Worker,
    WorkerPool,
    expected_tests,
    preload_modules,
    run_kata,
)
from grader.teaching import integrity, static
from grader.teaching.grading import Gradebook, GradingError, KataGrade, extra_tests


@dataclass
class Submission:
    name: str
    folder: Path
    book: Gradebook


def submissions(root: Path) -> list[Path]:
    if not root.is_dir():
        raise GradingError(f"{root} is not a folder of submissions")
    found = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    if not found:
        raise GradingError(f"{root} holds no submission folders")
    return found


def grade_all(
    catalogue: Catalogue,
    root: Path,
    extra_dir: Path | None = None,
    jobs: int | None = None,
    sandboxed: bool = True,
) -> list[Submission]:
    """Grade every submission under ``root``: each learner in a sandbox of their own, which sees
    only that learner's kata files, the pristine tests and the grader (never ``solutions/``,
    never another learner). The pristine tests are checked before and after the runs."""
    katas = list(catalogue.katas)
    extra = extra_tests(extra_dir, catalogue)
    folders = submissions(root)
    teacher = catalogue.root
    before = integrity.build(teacher)["files"]
    readonly = [teacher / "tests", *(p for paths in extra.values() for p in paths)]
    size = jobs or os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="kata-class-") as tmp:
        trees, notes = {}, {}
        for index, folder in enumerate(folders):
            trees[folder] = Path(tmp) / f"s{index}"
            trees[folder].mkdir()
            notes[folder] = workspace.collect_submission(folder, katas, trees[folder])
        live = LiveWorkers()
        # Workers close first on the way out, so that Ctrl-C ends the runs instead of the thread
        # pool waiting out their wall clocks.
        with ThreadPoolExecutor(size) as pool, live:
            stubs = [teacher / "tests" / "stubs"]
            with WorkerPool(teacher, katas, size, stubs, readonly, sandboxed) as collectors:

                def collect(kata: Kata) -> dict | None:
                    with collectors.worker() as worker:
                        return expected_tests(teacher, kata, extra.get(kata.slug, ()), worker)

                expected = dict(zip(catalogue.slugs, pool.map(collect, katas), strict=True))
            modules = preload_modules(teacher, katas)

            def learner(folder: Path) -> list[KataResult]:
                worker = live.add(Worker(teacher, modules, [trees[folder]], readonly, sandboxed))
                with worker:
                    return [
                        run_kata(
                            teacher,
                            kata,
                            str(trees[folder]),
                            expected[kata.slug],
                            extra.get(kata.slug, ()),
                            worker,
                        )
                        for kata in katas
                    ]

            results = dict(zip(folders, pool.map(learner, folders), strict=True))
    changed = _changes(before, integrity.build(teacher)["files"])
    if changed:
        raise GradingError(
            "the pristine tests or the grader changed while the class was graded ("
            + "; ".join(changed[:3])
            + "): no grades were written; restore them (git checkout) and grade again"
        )
    graded = []
    for folder in folders:
        grades = [
            KataGrade(kata, result, result.tampered, static.check_files(folder, list(kata.files)))
            for kata, result in zip(katas, results[folder], strict=True)
        ]
        graded.append(Submission(folder.name, folder, Gradebook(grades, True, notes[folder],
                                                                sandboxed)))
    return graded


def _changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return [
        f"{rel}: {'added' if rel not in before else 'deleted' if rel not in after else 'edited'}"
        for rel in sorted(before.keys() | after.keys())
        if before.get(rel) != after.get(rel)
    ]


class LiveWorkers:
    """The workers in use by the threads, so that Ctrl-C can end their runs at once."""

    def __init__(self) -> None:
        self.workers: list[Worker] = []
        self.lock = threading.Lock()

    def add(self, worker: Worker) -> Worker:
        with self.lock:
            self.workers.append(worker)
        return worker

    def __enter__(self) -> LiveWorkers:
        return self

    def __exit__(self, *exc: object) -> None:
        with self.lock:
            for worker in self.workers:
                worker.retired = True
                worker.close()


def write_reports(catalogue: Catalogue, graded: list[Submission], out: Path) -> list[Path]:
    try:
        out.mkdir(parents=True, exist_ok=True)
        written = [_csv(catalogue, graded, out / "grades.csv")]
        summary = class_summary(catalogue, graded)
        (out / "class-report.json").write_text(
            json.dumps(summary, indent=2) + "\n", encoding="utf-8"
        )
        (out / "class-report.md").write_text(render_markdown(summary), encoding="utf-8")
        from grader.teaching.html import class_report_html

        (out / "class-report.html").write_text(class_report_html(summary), encoding="utf-8")
    except OSError as exc:
        raise GradingError(
            f"cannot write the class report to {out} ({exc.strerror or exc})"
        ) from None
    return [*written, out / "class-report.json", out / "class-report.md", out / "class-report.html"]


def _csv(catalogue: Catalogue, graded: list[Submission], path: Path) -> Path:
    levels = [lv for lv in LEVELS if catalogue.by_level()[lv]]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["learner", "score", "max_score", *levels, *catalogue.slugs, "warnings"])
        for sub in graded:
            by_level = {row["level"]: row["score"] for row in sub.book.levels()}
            writer.writerow(
                [
                    sub.name,
                    sub.book.score,
                    sub.book.max_score,
                    *(by_level.get(lv, 0) for lv in levels),
                    *(g.score for g in sub.book.grades),
                    "; ".join([*sub.book.warnings, *(f for g in sub.book.grades for f in g.flags)]),
                ]
            )
    return path


def class_summary(catalogue: Catalogue, graded: list[Submission]) -> dict:
    count = len(graded)
    katas, tests = [], {}
    for index, kata in enumerate(catalogue.katas):
        grades = [s.book.grades[index] for s in graded]
        katas.append(
            {
                "slug": kata.slug,
                "level": kata.level,
                "points": kata.points,
                "passed": sum(g.passed for g in grades),
                "pass_rate": sum(g.passed for g in grades) / count,
                "statuses": _count(g.status for g in grades),
            }
        )
        for g in grades:
            for t in g.result.tests:
                row = tests.setdefault(
                    t.name,
                    {
                        "kata": kata.slug,
                        "test": t.title,
                        "hidden": t.hidden,
                        "passed": 0,
                        "total": 0,
                    },
                )
                row["total"] += 1
                row["passed"] += t.status == "passed"
    for row in tests.values():
        row["pass_rate"] = row["passed"] / row["total"]
    levels = []
    for level in LEVELS:
        rows = [k for k in katas if k["level"] == level]
        if rows:
            levels.append(
                {"level": level, "pass_rate": sum(k["pass_rate"] for k in rows) / len(rows)}
            )
    scores = [s.book.score for s in graded]
    return {
        "schema": "kata/class-report/v1",
        "submissions": count,
        "max_score": catalogue.total_points,
        "scores": dict(zip([s.name for s in graded], scores, strict=True)),
        "mean_score": sum(scores) / count,
        "levels": levels,
        "katas": katas,
        "tests": sorted(tests.values(), key=lambda r: (r["kata"], r["test"])),
        "hardest_tests": sorted(tests.values(), key=lambda r: (r["pass_rate"], r["kata"]))[:10],
    }


def _count(values) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def render_markdown(summary: dict) -> str:
    lines = [
        f"# Class report: {summary['submissions']} submissions",
        f"\nMean score: {summary['mean_score']:.1f}/{summary['max_score']}\n",
        "| kata | level | passed | pass rate |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {k['slug']} | {k['level']} | {k['passed']}/{summary['submissions']} | "
        f"{k['pass_rate']:.0%} |"
        for k in summary["katas"]
    ]
    lines += ["\n## Hardest tests\n", "| kata | test | pass rate |", "|---|---|---|"]
    lines += [
        f"| {t['kata']} | {t['test']} | {t['pass_rate']:.0%} |" for t in summary["hardest_tests"]
    ]
    lines += ["\n## Every test\n", "| kata | test | passed |", "|---|---|---|"]
    lines += [
        f"| {t['kata']} | {t['test']} | {t['passed']}/{t['total']} |" for t in summary["tests"]
    ]
    return "\n".join(lines) + "\n"
