"""``kata grade-all ROOT``: grade a class against the teacher's pristine tests.

Each folder under ROOT is one learner's submission. Only the learner's kata files are taken from
it; each learner runs in a sandbox of their own, all cores busy, and a broken or hostile
submission never stops the batch. Writes ``grades.csv``, ``similarity.csv``, a class report
(Markdown, JSON and HTML), ``feedback/<learner>.md`` (each learner's grade, failing tests and, as
the reveal policy allows, the reference of each kata they passed) and, with a roster, the LMS's
import file. With ``--shard K/N`` it grades a stable 1/N of the class and writes ``shard.json``
instead (see ``shard``); ``merge-grades`` turns the shards into the same reports, through the
same ``write_reports``.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from grader.catalogue import LEVELS, Catalogue, Kata, Reveal
from grader.errors import UsageError
from grader.learning import workspace
from grader.running.runner import (
    KataResult,
    Worker,
    WorkerPool,
    expected_tests,
    preload_modules,
    run_kata,
)
from grader.teaching import csvfile, integrity, lms, reveal, similarity, static
from grader.teaching import shard as shard_file
from grader.teaching.grading import Gradebook, GradingError, KataGrade, extra_tests, feedback
from grader.teaching.roster import Learner
from grader.teaching.roster import read as read_roster
from grader.teaching.shard import Shard


@dataclass
class Submission:
    name: str
    folder: Path
    book: Gradebook
    sources: dict[str, str] = field(default_factory=dict)  # the graded kata files, by path


@dataclass
class ReportOptions:
    """What the reports add beyond grades.csv and the class report."""

    roster: list[Learner] | None = None
    systems: tuple[str, ...] = ()  # LMS exports: canvas, moodle
    assignment: str = lms.ASSIGNMENT
    threshold: float = similarity.THRESHOLD
    reveal: Reveal | None = None  # what the feedback files reveal; None: the catalogue's policy


def submissions(root: Path, shard: Shard | None = None) -> list[Path]:
    """Every learner's folder under ``root`` (only shard's share with ``shard``), by name.

    A folder with no kata files is a learner who handed in nothing: graded zero, not skipped.
    """
    if not root.is_dir():
        raise GradingError(f"{root} is not a folder of submissions")
    found = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    if not found:
        raise GradingError(f"{root} holds no submission folders")
    return [p for p in found if shard is None or p.name in shard]


def grade_all(
    catalogue: Catalogue,
    root: Path,
    extra_dir: Path | None = None,
    jobs: int | None = None,
    sandboxed: bool = True,
    shard: Shard | None = None,
) -> list[Submission]:
    """Grade every submission under ``root``: each learner in a sandbox of their own, which sees
    only that learner's kata files, the pristine tests and the grader (never ``solutions/``,
    never another learner). The pristine tests are checked before and after the runs."""
    katas = list(catalogue.katas)
    extra = extra_tests(extra_dir, catalogue)
    folders = submissions(root, shard)
    if not folders:
        return []  # a shard of a small class may hold nobody: its shard.json is still written
    teacher = catalogue.root
    before = integrity.build(teacher)["files"]
    readonly = [teacher / "tests", *(p for paths in extra.values() for p in paths)]
    # One learner more than cores: part of each learner's sandbox start is spent waiting
    # (bwrap's mounts, imports from disk), and a third learner on 2 cores fills those gaps.
    size = jobs or (os.cpu_count() or 1) + 1
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
        book = Gradebook(grades, True, notes[folder], sandboxed)
        graded.append(Submission(folder.name, folder, book, similarity.read_sources(folder, katas)))
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


def report_options(
    catalogue: Catalogue,
    shard: Shard | None,
    roster: Path | None = None,
    systems: tuple[str, ...] = (),
    assignment: str | None = None,
    similarity_threshold: float | None = None,
    policy: str | None = None,
    deadline: str | None = None,
) -> ReportOptions:
    """Check the report options before anything is graded: a mistake costs one line, not a run."""
    if shard is not None:
        if roster is not None or systems:
            raise UsageError(
                "--roster and --lms apply to the whole class: pass them to merge-grades"
            )
        if policy is not None or deadline is not None:
            raise UsageError(
                "--reveal and --deadline apply to the feedback files: pass them to merge-grades"
            )
        return ReportOptions()
    if not similarity.available():
        raise GradingError(
            "the similarity report needs copydetect: pip install 'kata[teacher]' "
            "(or pip install copydetect)"
        )
    learners = read_roster(roster) if roster is not None else None
    lms.check(learners, systems, str(roster))
    return ReportOptions(
        learners,
        systems,
        assignment or lms.ASSIGNMENT,
        similarity.THRESHOLD if similarity_threshold is None else similarity_threshold,
        reveal.override(catalogue, policy, deadline),
    )


def write_shard(
    catalogue: Catalogue, part: Shard, graded: list[Submission], out: Path,
    extra_dir: Path | None,
) -> Path:
    try:
        return shard_file.write(out, catalogue, part, graded, extra_tests(extra_dir, catalogue))
    except OSError as exc:
        raise GradingError(f"cannot write the shard to {out} ({exc.strerror or exc})") from None


def write_reports(
    catalogue: Catalogue,
    graded: list[Submission],
    out: Path,
    options: ReportOptions | None = None,
) -> tuple[list[Path], list[str]]:
    """Every output of a class, for one unsharded run and for a merge of shards alike.

    Returns the files written and notes for the teacher (learners left out of the LMS file).
    """
    options = options or ReportOptions()
    if not graded:
        raise GradingError("no submission was graded")
    pairs = similarity.find_pairs(
        catalogue, {s.name: s.sources for s in graded}, options.threshold
    )
    scores = {s.name: s.book.score for s in graded}
    notes = lms.notes(options.roster, scores) if options.systems and options.roster else []
    try:
        out.mkdir(parents=True, exist_ok=True)
        written = [_csv(catalogue, graded, out / "grades.csv")]
        written.append(similarity.write_csv(pairs, out / "similarity.csv"))
        summary = class_summary(catalogue, graded, pairs, options.threshold)
        written.append(out / "class-report.json")
        written[-1].write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        written.append(out / "class-report.md")
        written[-1].write_text(render_markdown(summary), encoding="utf-8")
        from grader.teaching.html import class_report_html

        written.append(out / "class-report.html")
        written[-1].write_text(class_report_html(summary, pairs), encoding="utf-8")
        for system in options.systems:
            written.append(lms.write(system, options.roster or [], scores, out,
                                     options.assignment))
        written.append(_feedback(catalogue, graded, out / "feedback", options.reveal))
    except OSError as exc:
        raise GradingError(
            f"cannot write the class report to {out} ({exc.strerror or exc})"
        ) from None
    return written, notes


def _feedback(
    catalogue: Catalogue, graded: list[Submission], folder: Path, policy: Reveal | None
) -> Path:
    """``feedback/<learner>.md``: what Classroom50's release-body.md would tell each learner."""
    folder.mkdir(exist_ok=True)
    for sub in graded:
        text = feedback(sub.book, catalogue.root, policy or catalogue.reveal)
        (folder / f"{sub.name}.md").write_text(text, encoding="utf-8")
    return folder


def _csv(catalogue: Catalogue, graded: list[Submission], path: Path) -> Path:
    levels = [lv for lv in LEVELS if catalogue.by_level()[lv]]

    def line(sub: Submission) -> list:
        by_level = {r["level"]: r["score"] for r in sub.book.levels()}
        return [
            sub.name,
            sub.book.score,
            sub.book.max_score,
            *(by_level.get(lv, 0) for lv in levels),
            *(g.score for g in sub.book.grades),
            "; ".join([*sub.book.warnings, *(f for g in sub.book.grades for f in g.flags)]),
        ]

    header = ["learner", "score", "max_score", *levels, *catalogue.slugs, "warnings"]
    return csvfile.write(path, header, map(line, graded))


def class_summary(
    catalogue: Catalogue,
    graded: list[Submission],
    pairs: list[similarity.Pair] | None = None,
    threshold: float = similarity.THRESHOLD,
) -> dict:
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
        "similarity": {
            "threshold": threshold,
            "pairs": [
                {"kata": p.kata, "learner_a": p.a, "learner_b": p.b, "score": p.score}
                for p in pairs or []
                if p.score >= threshold
            ],
        },
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
    similar = summary["similarity"]
    lines.append(f"\n## Similar submissions (score ≥ {similar['threshold']:.0%})\n")
    if similar["pairs"]:
        lines += ["| kata | learner | learner | score |", "|---|---|---|---|"]
        lines += [
            f"| {p['kata']} | {p['learner_a']} | {p['learner_b']} | {p['score']:.0%} |"
            for p in similar["pairs"]
        ]
    else:
        lines.append("No pair of submissions reaches the threshold.")
    lines += ["\n## Every test\n", "| kata | test | passed |", "|---|---|---|"]
    lines += [
        f"| {t['kata']} | {t['test']} | {t['passed']}/{t['total']} |" for t in summary["tests"]
    ]
    return "\n".join(lines) + "\n"
