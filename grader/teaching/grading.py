"""Grading for teachers: one policy, many formats.

A kata's points are awarded in full when it passes and its tests are intact; the tests passed are
reported beside the score as progress. The same ``Gradebook`` feeds every format, so the text,
JSON, JUnit, Markdown and Classroom50 outputs cannot disagree.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from grader.catalogue import LEVELS, Catalogue, Kata, Reveal
from grader.errors import KataError
from grader.running.runner import KataResult, TestResult, run_many
from grader.teaching import integrity, reveal, static

SCHEMA = "kata/grade/v1"
FORMATS = ("text", "json", "junit", "markdown", "classroom50")
CLASSROOM50_ENV = {
    "classroom": "CLASSROOM",
    "assignment": "ASSIGNMENT",
    "submission": "SUBMISSION_TAG",
    "commit": "COMMIT_URL",
    "release": "RELEASE_URL",
    "review": "REVIEW_URL",
}


NO_SANDBOX = (
    "graded WITHOUT the sandbox (--no-sandbox): the learner's code could reach the machine, "
    "and a forged result may go unnoticed"
)


class GradingError(KataError):
    """The grading itself broke (setup, output): distinct from a low score."""

    exit_code = 4


@dataclass
class KataGrade:
    kata: Kata
    result: KataResult
    tampered: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # static warnings for the teacher

    @property
    def passed(self) -> bool:
        return self.result.passed and not self.tampered

    @property
    def score(self) -> int:
        return self.kata.points if self.passed else 0

    @property
    def status(self) -> str:
        return "tampered" if self.tampered else self.result.status

    def visible_tests(self) -> list[TestResult]:
        """The tests as the learner sees them: a hidden test keeps its outcome, not its name."""
        shown, hidden = [], 0
        for test in self.result.tests:
            if test.hidden:
                hidden += 1
                test = TestResult(
                    f"hidden::test_hidden_{hidden}",
                    test.task,
                    test.status,
                    "a hidden test" + (" passed" if test.status == "passed" else " failed"),
                    None,
                    test.duration,
                )
            shown.append(test)
        return shown


@dataclass
class Gradebook:
    grades: list[KataGrade]
    integrity_checked: bool
    warnings: list[str]
    sandboxed: bool = True  # False only when a teacher chose --no-sandbox
    generated_at: str = field(
        default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds")
    )

    @property
    def notices(self) -> list[str]:
        """What every format says beside the scores: the unsandboxed run, the book's warnings,
        and each kata's static flags."""
        found = [] if self.sandboxed else [NO_SANDBOX]
        found += self.warnings
        found += [f"{g.kata.slug}: {flag}" for g in self.grades for flag in g.flags]
        return list(dict.fromkeys(found))

    @property
    def score(self) -> int:
        return sum(g.score for g in self.grades)

    @property
    def max_score(self) -> int:
        return sum(g.kata.points for g in self.grades)

    @property
    def tampered(self) -> bool:
        return any(g.tampered for g in self.grades)

    def levels(self) -> list[dict]:
        rows = []
        for level in LEVELS:
            grades = [g for g in self.grades if g.kata.level == level]
            if grades:
                rows.append(
                    {
                        "level": level,
                        "score": sum(g.score for g in grades),
                        "max_score": sum(g.kata.points for g in grades),
                        "katas_passed": sum(g.passed for g in grades),
                        "katas_total": len(grades),
                        "tests_passed": sum(g.result.tests_passed for g in grades),
                        "tests_total": sum(len(g.result.tests) for g in grades),
                    }
                )
        return rows


def extra_tests(folder: Path | None, catalogue: Catalogue) -> dict[str, tuple[Path, ...]]:
    """A teacher's hidden tests: ``test_<slug>.py`` or ``test_<slug>_*.py`` in ``folder``."""
    if folder is None:
        return {}
    if not folder.is_dir():
        raise GradingError(f"--extra-tests {folder}: not a folder")
    found: dict[str, tuple[Path, ...]] = {}
    for kata in catalogue.katas:
        files = sorted(
            {*folder.glob(f"test_{kata.slug}.py"), *folder.glob(f"test_{kata.slug}_*.py")}
        )
        if files:
            found[kata.slug] = tuple(p.resolve() for p in files)
    return found


def require_sandbox(no_sandbox: bool) -> bool:
    """Whether to sandbox a grade: always, unless the teacher said otherwise. Where bubblewrap
    is missing, a grade is refused with the fix rather than silently trusted."""
    if no_sandbox:
        return False
    from grader.running.sandbox import INSTALL_HINT, unavailable

    reason = unavailable()
    if reason:
        raise GradingError(
            f"cannot sandbox the learners' code: {reason}. Fix: {INSTALL_HINT}; or pass "
            "--no-sandbox to grade unconfined (every output then says so)"
        )
    return True


def grade(
    catalogue: Catalogue,
    katas: list[Kata],
    tree: str = "katas",
    extra_dir: Path | None = None,
    jobs: int | None = None,
    source_root: Path | None = None,
    sandboxed: bool | None = None,
) -> Gradebook:
    """Grade ``katas``; ``source_root`` is where the learner's files are (default: the repo).
    The tests' integrity is checked before the runs and again after them."""
    root = catalogue.root
    before = integrity.check(root, catalogue.slugs)
    results = run_many(
        catalogue, katas, tree, jobs, extra_tests(extra_dir, catalogue), sandboxed=sandboxed
    )
    checked = integrity.check(root, catalogue.slugs).merged(before)
    source = source_root or root
    grades = [
        KataGrade(
            k,
            r,
            checked.for_kata(k.slug) + r.tampered,
            static.check_files(source, list(k.files)),
        )
        for k, r in zip(katas, results, strict=True)
    ]
    warnings = list(checked.warnings)
    if not checked.checked:
        warnings.append(f"no {integrity.MANIFEST}: the tests' integrity was not checked")
    if sandboxed is None:
        from grader.running.runner import sandbox_default

        sandboxed = sandbox_default()
    return Gradebook(grades, checked.checked, warnings, sandboxed)


# --- formats ---------------------------------------------------------------------------------


def to_json(book: Gradebook) -> dict:
    return {
        "schema": SCHEMA,
        "generated_at": book.generated_at,
        "score": book.score,
        "max_score": book.max_score,
        "integrity_checked": book.integrity_checked,
        "sandboxed": book.sandboxed,
        "tampered": book.tampered,
        "warnings": ([] if book.sandboxed else [NO_SANDBOX]) + book.warnings,
        "levels": book.levels(),
        "katas": [
            {
                "slug": g.kata.slug,
                "level": g.kata.level,
                "status": g.status,
                "cause": g.result.cause,
                "score": g.score,
                "points": g.kata.points,
                "tests_passed": g.result.tests_passed,
                "tests_total": len(g.result.tests),
                "tampered": g.tampered,
                "flags": g.flags,
                "tests": [
                    {
                        "name": t.name,
                        "title": t.title,
                        "task": t.task,
                        "status": t.status,
                        "message": t.message,
                        "where": t.where,
                    }
                    for t in g.visible_tests()
                ],
            }
            for g in book.grades
        ],
    }


def render_text(book: Gradebook) -> str:
    width = max((len(g.kata.slug) for g in book.grades), default=4)
    lines = []
    for level in book.levels():
        lines.append(
            f"{level['level'].capitalize()}: {level['score']}/{level['max_score']} points, "
            f"{level['katas_passed']}/{level['katas_total']} katas, "
            f"{level['tests_passed']}/{level['tests_total']} tests"
        )
        for g in (g for g in book.grades if g.kata.level == level["level"]):
            lines.append(
                f"  {g.kata.slug:<{width}}  {g.status:<9} {g.result.tests_passed:>3}/"
                f"{len(g.result.tests):<3} tests  {g.score:>3}/{g.kata.points} points"
                + (f"  ({g.result.cause})" if g.result.cause else "")
            )
            lines += [f"      tampered: {t}" for t in g.tampered]
            lines += [f"      warning: {f}" for f in g.flags]
    lines.append(f"Total: {book.score}/{book.max_score} points")
    lines += [f"warning: {w}" for w in ([] if book.sandboxed else [NO_SANDBOX]) + book.warnings]
    return "\n".join(lines)


def render_markdown(book: Gradebook, title: str = "kata grade") -> str:
    lines = [
        f"## {title}: {book.score}/{book.max_score} points",
        "",
        "| level | points | katas passed | tests passed |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {r['level']} | {r['score']}/{r['max_score']} | {r['katas_passed']}/"
        f"{r['katas_total']} | {r['tests_passed']}/{r['tests_total']} |"
        for r in book.levels()
    ]
    lines += ["", "| kata | status | tests | points |", "|---|---|---|---|"]
    for g in book.grades:
        icon = "✅" if g.passed else "❌"
        lines.append(
            f"| {icon} `{g.kata.slug}` | {g.status} | {g.result.tests_passed}/"
            f"{len(g.result.tests)} | {g.score}/{g.kata.points} |"
        )
    failing = [g for g in book.grades if not g.passed and g.result.tests]
    if failing:
        lines += ["", "<details><summary>What failed</summary>", ""]
        for g in failing:
            lines.append(
                f"**{g.kata.slug}**" + (f": {_md(g.result.cause)}" if g.result.cause else "")
            )
            for t in g.visible_tests():
                if t.status != "passed":
                    lines.append(
                        f"- {t.title}: {_md(t.message.splitlines()[0] if t.message else t.status)}"
                    )
            lines.append("")
        lines.append("</details>")
    problems = [f"tampering: `{g.kata.slug}`: {t}" for g in book.grades for t in g.tampered]
    problems += [f"warning: {_md(w)}" for w in book.notices]
    if problems:
        lines += [""] + [f"> {p}" for p in dict.fromkeys(problems)]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_junit(book: Gradebook) -> str:
    suites = ET.Element(
        "testsuites", name="kata", tests=str(sum(len(g.result.tests) for g in book.grades))
    )
    failures = errors = 0
    for g in book.grades:
        tests = g.visible_tests()
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=g.kata.slug,
            tests=str(len(tests)),
            time=f"{g.result.duration:.3f}",
        )
        props = ET.SubElement(suite, "properties")
        for name, value in (
            ("status", g.status),
            ("score", g.score),
            ("points", g.kata.points),
            ("level", g.kata.level),
            ("cause", g.result.cause),
            ("sandboxed", str(book.sandboxed).lower()),
            *(("warning", flag) for flag in g.flags),
        ):
            ET.SubElement(props, "property", name=name, value=str(value))
        s_fail = s_err = 0
        for t in tests:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"{g.kata.slug}.task{t.task}",
                name=t.title,
                time=f"{t.duration:.3f}",
            )
            if t.status == "passed" and not g.tampered:
                continue
            if t.status in ("failed", "passed"):
                s_fail += 1
                node = ET.SubElement(case, "failure", message=t.message or "tampered")
            else:
                s_err += 1
                node = ET.SubElement(case, "error", type=t.status, message=t.message or t.status)
            node.text = "\n".join(filter(None, [t.where, *g.tampered]))
        suite.set("failures", str(s_fail))
        suite.set("errors", str(s_err))
        failures += s_fail
        errors += s_err
    suites.set("failures", str(failures))
    suites.set("errors", str(errors))
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )


def feedback(book: Gradebook, root: Path | None = None, policy: Reveal | None = None) -> str:
    """What the learner reads (``release-body.md``, ``feedback/<learner>.md``): the grade with the
    failing tests, then, as ``policy`` allows, what the passes in ``root`` reveal."""
    text = render_markdown(book, title="Your grade")
    return text + (reveal.render(root, book, policy) if root and policy else "")


def classroom50(
    book: Gradebook, env: dict[str, str] | None = None, catalogue: Catalogue | None = None
) -> tuple[dict, str]:
    """Classroom50's ``result.json`` (schema classroom50/result/v1) and ``release-body.md``
    (which reveals under ``catalogue``'s policy)."""
    env = os.environ if env is None else env
    missing = [var for var in CLASSROOM50_ENV.values() if not env.get(var)]
    if missing:
        raise GradingError(
            f"the classroom50 format needs the Classroom50 environment; "
            f"not set: {', '.join(missing)}"
        )
    submission = env["SUBMISSION_TAG"]
    if not submission.startswith("submit/"):
        raise GradingError(f"SUBMISSION_TAG must start with 'submit/', got {submission!r}")
    result = {
        "schema": "classroom50/result/v1",
        **{key: env[var] for key, var in CLASSROOM50_ENV.items()},
        "datetime": book.generated_at,
        "score": book.score,
        "max-score": book.max_score,
        "sandboxed": book.sandboxed,
        "warnings": book.notices,
        "tests": [
            {
                "test-name": g.kata.slug,
                "passed": g.passed,
                "score": g.score,
                "max-score": g.kata.points,
            }
            for g in book.grades
        ],
    }
    if catalogue is None:
        return result, feedback(book)
    return result, feedback(book, catalogue.root, catalogue.reveal)


def render(book: Gradebook, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(to_json(book), indent=2) + "\n"
    if fmt == "junit":
        return render_junit(book)
    if fmt == "markdown":
        return render_markdown(book)
    return render_text(book) + "\n"


def write_output(text: str, output: Path | None) -> None:
    if output is None:
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise GradingError(f"cannot write --output {output} ({exc.strerror or exc})") from None


def write_classroom50(book: Gradebook, output: Path | None, catalogue: Catalogue) -> str:
    """Write result.json (to ``output`` or ./result.json) and release-body.md beside it."""
    result, body = classroom50(book, catalogue=catalogue)
    target = output or Path("result.json")
    write_output(json.dumps(result, indent=2) + "\n", target)
    write_output(body, target.with_name("release-body.md"))
    return (
        f"wrote {target} and {target.with_name('release-body.md')}: {book.score}/{book.max_score}"
    )
