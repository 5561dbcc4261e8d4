"""`kata grade-all` on a class of 20 generated submissions: empty, partial, full, tampered,
hostile and malformed ones, each graded against the teacher's pristine tests."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from gradecheck import one_line_error
from toyrepo import (
    KATAS,
    TOY2_SOLUTION,
    TOY2_STUB,
    TOY_SOLUTION,
    TOY_STUB,
    clean,
    write,
    write_catalogue,
)

from grader.cli import main

TESTS = {"toy": ["add returns the sum", "add handles negative numbers", "greet says hello"],
         "toy2": ["double returns twice the number", "halve keeps the fraction"]}
ALL = {slug: set(names) for slug, names in TESTS.items()}
NONE: dict[str, set[str]] = {"toy": set(), "toy2": set()}

# toy: add passes, greet ends the whole process
TOY_EXITS = TOY_SOLUTION.replace('    return f"Hello, {name}!"',
                                 '    import os\n\n    os._exit(0)')
# toy2: double passes, halve never returns
TOY2_HANGS = TOY2_SOLUTION.replace("    return x / 2", "    while True:\n        pass")
TOY2_HALF = TOY2_SOLUTION.replace("    return x / 2", "    return x // 2")
TOY_EXITS_ON_IMPORT = "import sys\n\nsys.exit(0)\n" + TOY_SOLUTION
PASSING_TESTS = "def test_add_returns_the_sum():\n    pass\n"


def build_class(root: Path) -> dict[str, tuple[dict[str, set[str]], set[str]]]:
    """Write 20 submissions under ``root``; return, per learner, the tests that must pass and
    the kata files the grader must set aside as not regular files."""
    expect: dict[str, tuple[dict[str, set[str]], set[str]]] = {}

    def sub(name: str, files: dict[str, str], passes: dict[str, set[str]],
            ignored: set[str] = frozenset()) -> Path:
        folder = root / name
        folder.mkdir(parents=True)
        for rel, text in files.items():
            write(folder / rel, text)
        expect[name] = (passes, set(ignored))
        return folder

    toy, toy2 = "katas/toy.py", "katas/toy2.py"
    # empty: nothing at all, or the untouched stubs
    sub("empty01", {}, NONE)
    sub("empty02", {"README.md": "# my katas\n"}, NONE)
    sub("stubs01", {toy: TOY_STUB, toy2: TOY2_STUB}, NONE)
    sub("stubs02", {toy: TOY_STUB, toy2: TOY2_STUB}, NONE)
    # partial: one kata solved
    for i in range(3):
        sub(f"partial-toy{i}", {toy: TOY_SOLUTION, toy2: TOY2_STUB},
            {"toy": ALL["toy"], "toy2": set()})
    for i in range(2):
        sub(f"partial-toy2-{i}", {toy: TOY_STUB, toy2: TOY2_SOLUTION},
            {"toy": set(), "toy2": ALL["toy2"]})
    sub("partial-half", {toy: TOY_SOLUTION, toy2: TOY2_HALF},
        {"toy": ALL["toy"], "toy2": {"double returns twice the number"}})
    # full
    for i in range(3):
        sub(f"full{i}", {toy: TOY_SOLUTION, toy2: TOY2_SOLUTION}, ALL)
    sub("full-flagged", {toy: "import pytest  # noqa\n" + TOY_SOLUTION, toy2: TOY2_SOLUTION}, ALL)
    # tampered: the learner's own tests and configuration must not matter
    sub("tampered-stub", {toy: TOY_STUB, toy2: TOY2_STUB,
                          "tests/katas/test_toy.py": PASSING_TESTS,
                          "tests/katas/test_toy2.py": "def test_x():\n    pass\n",
                          "conftest.py": "import pytest\n\n\ndef pytest_collection_modifyitems"
                                         "(items):\n    items.clear()\n",
                          "katas.toml": "gated = false\n"}, NONE)
    sub("tampered-full", {toy: TOY_SOLUTION, toy2: TOY2_SOLUTION,
                          "tests/katas/test_toy.py": "def test_x():\n    assert False\n",
                          "kata-manifest.json": "{}"}, ALL)
    # hostile
    sub("hostile-exit", {toy: TOY_EXITS, toy2: TOY2_SOLUTION},
        {"toy": {"add returns the sum", "add handles negative numbers"}, "toy2": ALL["toy2"]})
    sub("hostile-loop", {toy: TOY_SOLUTION, toy2: TOY2_HANGS},
        {"toy": ALL["toy"], "toy2": {"double returns twice the number"}})
    sub("hostile-import", {toy: TOY_EXITS_ON_IMPORT, toy2: TOY2_STUB}, NONE)
    # malformed: a kata file that is a folder, one that is a symlink to a solution elsewhere
    odd = sub("odd-files", {"katas/toy.py/inner.py": TOY_SOLUTION}, NONE,
              {"katas/toy.py", "katas/toy2.py"})
    outside = write(root.parent / "elsewhere" / "toy2.py", TOY2_SOLUTION)
    (odd / "katas" / "toy2.py").symlink_to(outside)
    assert len(expect) == 20
    return expect


def invoke_kata(repo: Path, *args: str):
    return CliRunner().invoke(main, ["--repo", str(repo), "--no-color", *args])


def score(passes: dict[str, set[str]]) -> dict[str, int]:
    points = {k["slug"]: k["points"] for k in KATAS}
    return {slug: points[slug] if passes[slug] == ALL[slug] else 0 for slug in TESTS}


@pytest.mark.timeout(120)
def test_grade_all_grades_a_class_of_twenty(repo: Path, tmp_path: Path) -> None:
    write_catalogue(repo, KATAS, {"wall_clock": 4, "test_timeout": 1})
    expect = build_class(tmp_path / "class" / "submissions")
    out = tmp_path / "report"
    result = invoke_kata(repo, "grade-all", str(tmp_path / "class" / "submissions"),
                         "-o", str(out))
    text = clean(result)
    assert result.exit_code == 0, text
    for name, (passes, _) in expect.items():
        assert f"{name}: {sum(score(passes).values())}/15" in text

    # grades.csv: the right numbers for every learner
    with (out / "grades.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["learner"] for r in rows] == sorted(expect)
    assert list(rows[0]) == ["learner", "score", "max_score", "beginner", "intermediate", "toy",
                             "toy2", "warnings"]
    for row in rows:
        passes, ignored = expect[row["learner"]]
        want = score(passes)
        assert (int(row["toy"]), int(row["toy2"])) == (want["toy"], want["toy2"]), row
        assert int(row["beginner"]) == want["toy"] and int(row["intermediate"]) == want["toy2"]
        assert int(row["score"]) == sum(want.values()) and int(row["max_score"]) == 15
        for rel in ignored:
            assert f"{rel}: not a regular file, ignored" in row["warnings"], row
    by_name = {r["learner"]: r for r in rows}
    assert "uses os._exit" in by_name["hostile-exit"]["warnings"]
    assert "uses sys.exit" in by_name["hostile-import"]["warnings"]
    assert "katas/toy.py:1: imports pytest (the test framework)" in (
        by_name["full-flagged"]["warnings"])
    assert by_name["full0"]["warnings"] == ""

    # class-report.json: pass rates per kata and per test match the numbers
    report = json.loads((out / "class-report.json").read_text(encoding="utf-8"))
    assert report["submissions"] == 20 and report["max_score"] == 15
    assert report["scores"] == {n: sum(score(p).values()) for n, (p, _) in expect.items()}
    assert report["mean_score"] == pytest.approx(sum(report["scores"].values()) / 20)
    katas = {k["slug"]: k for k in report["katas"]}
    for slug in TESTS:
        passed = sum(p[slug] == ALL[slug] for p, _ in expect.values())
        assert katas[slug]["passed"] == passed
        assert katas[slug]["pass_rate"] == pytest.approx(passed / 20)
        assert sum(katas[slug]["statuses"].values()) == 20
        assert katas[slug]["statuses"].get("passed", 0) == passed
    assert katas["toy"]["statuses"].get("crashed", 0) >= 1  # hostile-exit
    assert katas["toy2"]["statuses"].get("timeout", 0) == 1  # hostile-loop
    levels = {lv["level"]: lv["pass_rate"] for lv in report["levels"]}
    assert levels == {"beginner": katas["toy"]["pass_rate"],
                      "intermediate": katas["toy2"]["pass_rate"]}
    tests = {(t["kata"], t["test"]): t for t in report["tests"]}
    assert set(tests) == {(slug, name) for slug, names in TESTS.items() for name in names}
    for (slug, name), row in tests.items():
        passed = sum(name in p[slug] for p, _ in expect.values())
        assert (row["passed"], row["total"]) == (passed, 20), (slug, name)
        assert row["pass_rate"] == pytest.approx(passed / 20)
    rates = [t["pass_rate"] for t in report["hardest_tests"]]
    assert rates == sorted(rates) and len(rates) == 5

    # the Markdown and HTML reports: the HTML opens offline
    md = (out / "class-report.md").read_text(encoding="utf-8")
    assert "# Class report: 20 submissions" in md
    html = (out / "class-report.html").read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and html.rstrip().endswith("</html>")
    assert not re.search(r"https?://", html), "the page must not fetch anything"
    assert not re.search(r"\b(src|href)\s*=", html, re.IGNORECASE)
    assert "@import" not in html and "url(" not in html
    for slug, k in katas.items():
        assert f'data-slug="{slug}" data-rate="{k["pass_rate"]:.4f}"' in html
    assert sum(int(c) for c in re.findall(r'data-count="(\d+)"', html)) == 20

    # and the learners' folders are untouched by the grading
    assert not (tmp_path / "class" / "submissions" / "full0" / "result.json").exists()
    assert not list((tmp_path / "class" / "submissions").rglob(".kata"))


def test_grade_all_of_a_missing_folder_is_one_line(kata, tmp_path: Path) -> None:
    result = kata("grade-all", str(tmp_path / "nowhere"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 4
    assert "nowhere" in one_line_error(result)


def test_grade_all_of_an_empty_folder_is_one_line(kata, tmp_path: Path) -> None:
    (tmp_path / "subs").mkdir()
    result = kata("grade-all", str(tmp_path / "subs"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 4
    assert "no submission folders" in one_line_error(result)


@pytest.mark.timeout(60)
def test_grade_all_report_that_cannot_be_written_is_one_line(kata, repo: Path,
                                                              tmp_path: Path) -> None:
    write(tmp_path / "subs" / "alice" / "katas" / "toy.py", TOY_SOLUTION)
    shutil.copy2(repo / "katas.toml", tmp_path / "blocker")
    result = kata("grade-all", str(tmp_path / "subs"), "-o", str(tmp_path / "blocker" / "out"))
    assert result.exit_code == 4
    assert "Traceback" not in result.output
    assert "cannot write the class report" in result.output
