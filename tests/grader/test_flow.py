"""The learner's flow through the CLI (issue 15, and the grader's side of issue 13): the current
kata follows the learner, "Next" follows the kata just passed, a pass is never lost without a
word, compact checks, hint ladders in `kata verify`, the learner's line from a logged traceback."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest
from toyrepo import (
    HINTS,
    KATAS,
    TOY2_SOLUTION,
    TOY2_STUB,
    TOY2_TESTS,
    clean,
    solve,
    write,
    write_catalogue,
    write_hints,
)

REAL_REPO = Path(__file__).resolve().parents[2]
BROKEN_TOY = ("def add(a, b):\n    return a - b\n\n\n"
              "def greet(name):\n    return f'Hello, {name}!'\n")


def progress_data(root: Path) -> dict:
    return json.loads((root / ".kata" / "progress.json").read_text(encoding="utf-8"))


def add_toy3(root: Path) -> None:
    """A third kata, advanced: toy2 under another name (katas: toy, toy2, toy3)."""
    rename = {"toy2": "toy3", "Toy kata 2": "Toy kata 3"}

    def renamed(text: str) -> str:
        for old, new in rename.items():
            text = text.replace(old, new)
        return text

    write_catalogue(root, [*KATAS, {**KATAS[1], "slug": "toy3", "level": "advanced",
                                    "title": "Toy 3: double and halve again", "points": 20,
                                    "files": ["katas/toy3.py"]}])
    write(root / "tests" / "stubs" / "toy3.py", renamed(TOY2_STUB))
    write(root / "katas" / "toy3.py", renamed(TOY2_STUB))
    write(root / "katas" / "toy3.md", renamed((root / "katas" / "toy2.md").read_text()))
    write(root / "solutions" / "toy3.py", renamed(TOY2_SOLUTION))
    write(root / "tests" / "katas" / "test_toy3.py", renamed(TOY2_TESTS))
    write_hints(root, "toy3", HINTS["toy2"])


def failing_check(kata, repo: Path, suite: str, code: str, stub: str | None = None) -> str:
    """`kata check toy` with this suite and this learner's code; the output of a failing check."""
    write(repo / "tests" / "katas" / "test_toy.py", suite)
    if stub is not None:
        write(repo / "tests" / "stubs" / "toy.py", stub)
    write(repo / "katas" / "toy.py", code)
    result = kata("check", "toy")
    out = clean(result)
    assert result.exit_code == 1, out
    return out


def task_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("  Task ")]


# --- the current kata follows the learner --------------------------------------------------------


@pytest.mark.timeout(30)
def test_check_slug_makes_it_current_so_a_bare_check_follows(kata, repo: Path) -> None:
    assert kata("start", "toy").exit_code == 0
    assert kata("check", "toy2").exit_code == 1
    assert progress_data(repo)["current"] == "toy2"
    result = kata("check")
    out = clean(result)
    assert result.exit_code == 1, out
    assert out.startswith("toy2: failed  (0/2 tests passed)"), out
    assert re.search(r"^ \* toy2 ", clean(kata("list")), re.MULTILINE)


def test_hint_slug_makes_it_current(kata, repo: Path) -> None:
    assert kata("start", "toy").exit_code == 0
    assert kata("hint", "toy2").exit_code == 0
    assert progress_data(repo)["current"] == "toy2"
    assert clean(kata("hint")).startswith("Task 1 — Double\n  Hint 1/2: ")


@pytest.mark.timeout(30)
def test_check_all_leaves_the_current_kata_alone(kata, repo: Path) -> None:
    assert kata("start", "toy2").exit_code == 0
    kata("check", "--all")
    assert progress_data(repo)["current"] == "toy2"


# --- "Next" follows the kata just passed ---------------------------------------------------------


@pytest.mark.timeout(60)
def test_next_is_the_kata_after_the_one_just_passed_then_wraps_round(kata, repo: Path) -> None:
    add_toy3(repo)
    solve(repo, "toy2")
    result = kata("check", "toy2")
    out = clean(result)
    assert result.exit_code == 0, out
    assert out.rstrip().endswith("Passed! Next: kata start toy3"), out  # not toy, the first
    assert clean(kata("progress")).rstrip().endswith("Next: kata start toy3")

    solve(repo, "toy3")
    out = clean(kata("check", "toy3"))
    assert out.rstrip().endswith("Passed! Next: kata start toy"), out  # round to the start
    assert clean(kata("progress")).rstrip().endswith("Next: kata start toy")
    assert clean(kata("next")).startswith("Toy: add and greet  (beginner, 5 points)")
    assert progress_data(repo)["current"] == "toy"


@pytest.mark.timeout(60)
def test_next_progress_and_the_pass_line_agree(kata, repo: Path) -> None:
    add_toy3(repo)
    solve(repo, "toy")
    passed = clean(kata("check", "toy")).rstrip().splitlines()[-1]
    progress = clean(kata("progress")).rstrip().splitlines()[-1]
    assert passed == "Passed! Next: kata start toy2", passed
    assert progress == "Next: kata start toy2", progress
    assert clean(kata("next")).startswith("Toy 2: double and halve")


def test_next_skips_a_kata_locked_by_its_level(kata, repo: Path) -> None:
    add_toy3(repo)
    assert kata("start", "toy2").exit_code == 0  # ungated: free to start
    out = clean(kata("--gated", "progress"))
    assert out.rstrip().endswith("Next: kata start toy"), out  # toy3 is locked
    assert clean(kata("--gated", "next")).startswith("Toy: add and greet")


# --- a pass is never lost without a word ---------------------------------------------------------


@pytest.mark.timeout(60)
def test_a_regression_is_passed_before_and_keeps_its_points(kata, repo: Path) -> None:
    solve(repo, "toy")
    assert kata("check", "toy").exit_code == 0
    write(repo / "katas" / "toy.py", BROKEN_TOY)
    result = kata("check")
    out = clean(result)
    assert result.exit_code == 1, out
    line = re.compile(r"^toy passed before \((\d{4}-\d\d-\d\d \d\d:\d\d)\) and fails now: "
                      r"progress keeps the pass; `kata grade` scores the code as it is\.$",
                      re.MULTILINE)
    found = line.findall(out)
    assert len(found) == 1, out
    when = found[0]
    assert "Beginner     [####################] 1/1  5/5 points" in out
    assert "Passed!" not in out

    listing = clean(kata("list"))
    assert f" * toy   passed before    5 pts  Toy: add and greet  (last passed {when}; " \
           "failing now)" in listing, listing
    assert "Overall      [##########----------] 1/2  5/15 points" in listing
    progress = clean(kata("progress"))
    assert f"toy: passed before ({when}), failing now (`kata check toy`)" in progress
    assert "Next: kata start toy2" in progress  # a pass counts: next is not sent back

    grade = kata("grade", "--format", "json")  # grading scores the code as it is now
    assert grade.exit_code == 0
    data = json.loads(grade.stdout)
    assert data["score"] == 0 and data["katas"][0]["status"] == "failed"

    solve(repo, "toy")
    out = clean(kata("check"))
    assert "passed before" not in out and "passed before" not in clean(kata("list"))


# --- compact checks ------------------------------------------------------------------------------


@pytest.mark.timeout(30)
def test_a_passing_task_is_one_line_and_a_failing_one_stays_expanded(kata, repo: Path) -> None:
    write(repo / "katas" / "toy.py", BROKEN_TOY)
    out = clean(kata("check", "toy"))
    assert out.splitlines()[:8] == [
        "toy: failed  (1/3 tests passed)",
        "  Task 1 — Add  0/2",
        "    FAIL add returns the sum",
        "        add(2, 3) returned -1; expected 5",
        "        assert -1 == 5",
        "    FAIL add handles negative numbers",
        "        add(-2, -3) returned 1; expected -5",
        "        assert 1 == -5",
    ]
    assert out.splitlines()[8] == "  Task 2 — Greet  1/1 PASS"
    assert "greet says hello" not in out


@pytest.mark.timeout(30)
@pytest.mark.parametrize("flag", ["-v", "--verbose"])
def test_check_verbose_lists_every_test(kata, repo: Path, flag: str) -> None:
    solve(repo, "toy")
    compact = clean(kata("check", "toy"))
    assert task_lines(compact) == ["  Task 1 — Add  2/2 PASS", "  Task 2 — Greet  1/1 PASS"]
    assert "PASS add returns the sum" not in compact
    result = kata("check", flag)
    out = clean(result)
    assert result.exit_code == 0, out
    assert ("  Task 1 — Add  2/2 PASS\n    PASS add returns the sum\n"
            "    PASS add handles negative numbers\n  Task 2 — Greet  1/1 PASS\n"
            "    PASS greet says hello\n") in out
    (repo / "katas" / "toy.py").write_text((repo / "tests/stubs/toy.py").read_text())
    out = clean(kata("check", flag))  # an untouched task lists its tests too
    assert "  Task 2 — Greet  0/1  not started yet (katas/toy.py:11)\n" \
           "    FAIL greet says hello\n" in out, out


@pytest.mark.timeout(120)
def test_a_passing_check_of_the_real_cors_kata_fits_on_one_screen(kata, repo: Path) -> None:
    """The real cors kata (README, stub, suite, reference), in a toy repository with a ladder
    per task, as its catalogue entry says; ≤ 15 lines once it passes, every test with -v."""
    entry = next(k for k in tomllib.loads((REAL_REPO / "katas.toml").read_text())["kata"]
                 if k["slug"] == "cors")
    entry.pop("hints", None)
    write_catalogue(repo, [*KATAS, entry])
    for rel in ("katas/cors.md", "tests/stubs/cors.py", "tests/katas/test_cors.py",
                "tests/katas/kata_support.py"):  # the suites' shared assertions
        shutil.copy2(REAL_REPO / rel, repo / rel)
    shutil.copy2(REAL_REPO / "solutions" / "cors.py", repo / "katas" / "cors.py")
    tasks = re.findall(r"^## Task (\d+)", (repo / "katas" / "cors.md").read_text(), re.MULTILINE)
    write_hints(repo, "cors", {int(n): ["A concept.", "An API."] for n in tasks})
    result = kata("check", "cors")
    out = clean(result)
    assert result.exit_code == 0, out
    lines = out.rstrip("\n").splitlines()
    assert len(lines) <= 15, out
    assert len(task_lines(out)) == len(tasks)
    assert all(line.endswith(" PASS") for line in task_lines(out)), out
    assert lines[-1].startswith("Passed! Next: kata start ")
    verbose = clean(kata("check", "cors", "-v"))
    tests = re.search(r"\((\d+)/\1 tests passed\)", verbose)
    assert tests, verbose
    assert sum(line.startswith("    PASS ") for line in verbose.splitlines()) == int(tests[1])


# --- the cut after eight spelled-out failures keeps every cause ----------------------------------

MANY_FAILURES = '''import pytest
from toy import add, greet


@pytest.mark.task(1)
@pytest.mark.parametrize("n", range(10))
def test_add_adds_zero(n):
    got = add(n, 0)
    assert got == n, f"add({n}, 0) returned {got!r}; expected {n}"


@pytest.mark.task(2)
def test_greet_says_hello():
    got = greet("Ann")
    assert got == "Hello, Ann!", f"greet('Ann') returned {got!r}"
'''
TWO_BUGS = ("def add(a, b):\n    return a - b + 1\n\n\n"
            "def greet(name):\n    return 'Hello, ' + name.title_case() + '!'\n")


@pytest.mark.timeout(30)
def test_the_cut_keeps_one_failure_of_each_cause(kata, repo: Path) -> None:
    out = failing_check(kata, repo, MANY_FAILURES, TWO_BUGS)
    assert "toy: failed  (0/11 tests passed)" in out
    assert out.count("(details cut)") == 3, out  # ten failures of one cause: seven spelled out
    assert "add(0, 0) returned 1; expected 0" in out
    assert "FAIL add adds zero [9]  (details cut)" in out
    # the eleventh failure, of another cause, is spelled out in full
    assert "AttributeError: 'str' object has no attribute 'title_case'" in out
    assert "at katas/toy.py:6: return 'Hello, ' + name.title_case() + '!'" in out
    assert "… details of 3 more failing tests were cut" in out


# --- kata verify checks the hint ladders ---------------------------------------------------------


@pytest.mark.timeout(60)
def test_verify_rejects_code_in_a_first_rung_and_a_repeated_rung(kata, repo: Path) -> None:
    write_hints(repo, "toy", {1: ["Write `return a + b`.", "Use +."],
                              2: ["Greetings are strings.", "f-strings.", "f-strings."]})
    result = kata("verify", "toy")
    out = clean(result)
    assert result.exit_code == 1, out
    assert re.search(r"toy\s+2 tasks, 5 rungs\s+3/3 fail\s+3/3 pass\s+3/3 rejected\s+FAIL", out)
    assert ("toy: hints/toy.toml: task 1: the first rung shows code ('`return a + b`'); "
            "it is the concept, in words") in out
    assert "toy: hints/toy.toml: task 2: rung 3 repeats an earlier rung" in out


@pytest.mark.parametrize("rung", [
    "Call functools.wraps(fn) on the wrapper.",
    "Set total = a + b first.",
    "Put @functools.wraps on the wrapper.",
    "```python\nreturn a + b\n```",
])
def test_what_counts_as_code_in_a_first_rung(rung: str) -> None:
    from grader.teaching.verify import CODE

    assert CODE.search(rung), rung


@pytest.mark.parametrize("rung", [
    "A decorator returns a new function; what must it keep of the one it wraps (its name)?",
    "Which header tells the browser that `Origin` is allowed, and when must it be absent?",
    "Half of an odd number is not a whole number.",
])
def test_what_is_words_in_a_first_rung(rung: str) -> None:
    from grader.teaching.verify import CODE

    assert not CODE.search(rung), CODE.search(rung)


def test_a_catalogue_with_a_broken_ladder_stops_verify_in_one_line(kata, repo: Path) -> None:
    write_hints(repo, "toy2", {1: ["Only the concept."], 2: HINTS["toy2"][2]})
    result = kata("verify")
    assert result.exit_code == 1
    assert clean(result).strip() == ("Error: kata 'toy2': hints: hints/toy2.toml: task 1: "
                                     "1 rung, at least 2 needed")


# --- the learner's line from a traceback that Flask logged ---------------------------------------

FLASK_TESTS = '''import pytest
from toy import create_app


@pytest.mark.task(1)
def test_total_of_a_bad_number_is_400():
    response = create_app().test_client().get("/total?n=x")
    assert response.status_code == 400, (
        f"GET /total?n=x answered {response.status_code}; expected 400")
'''
FLASK_STUB = "def create_app():\n    raise NotImplementedError('Task 1: create_app')\n"
FLASK_APP = '''from flask import Flask, jsonify, request


def create_app():
    app = Flask(__name__)

    @app.get("/total")
    def total():
        n = int(request.args["n"])
        return jsonify(total=n)

    @app.errorhandler(500)
    def crashed(error):
        return jsonify(error="internal"), 500

    return app
'''


@pytest.mark.timeout(60)
def test_a_crash_turned_into_a_500_shows_the_learners_line(kata, repo: Path) -> None:
    out = failing_check(kata, repo, FLASK_TESTS, FLASK_APP, stub=FLASK_STUB)
    assert "GET /total?n=x answered 500; expected 400" in out
    assert ("at katas/toy.py:9: n = int(request.args[\"n\"])  (logged: ValueError: invalid "
            "literal for int() with base 10: 'x')") in out, out
    data = json.loads(kata("grade", "toy", "--format", "json").stdout)
    assert data["katas"][0]["tests"][0]["where"].startswith("katas/toy.py:9: ")
