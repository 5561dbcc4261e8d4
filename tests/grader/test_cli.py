"""Every learner and author command, through Click, on a copy of the toy repository."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from toyrepo import HINTS, KATAS, clean, solve, write, write_catalogue, write_hints

from grader.cli import main
from grader.learning.progress import Progress


def progress_data(root: Path) -> dict:
    return json.loads((root / ".kata" / "progress.json").read_text(encoding="utf-8"))


def mark_passed(root: Path, *slugs: str) -> None:
    progress = Progress.load(root)
    for slug in slugs:
        progress.record(slug, "passed", 1, 1)
    progress.save()


# --- smoke tests of the installed entry points -------------------------------------------------


@pytest.mark.parametrize("command", [["kata"], [sys.executable, "-m", "grader"]],
                         ids=["console-script", "python-m-grader"])
def test_help_runs_as_a_real_process(command: list[str]) -> None:
    if command == ["kata"]:
        command = [str(Path(sys.executable).with_name("kata"))]
    done = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert "Usage:" in done.stdout
    for name in ("list", "start", "check", "hint", "progress", "reset", "verify"):
        assert re.search(rf"^\s+{name}\s", done.stdout, re.MULTILINE), done.stdout
    assert "Traceback" not in done.stderr


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert "kata, version 0.1.0" in clean(result)


# --- list, start, next ----------------------------------------------------------------------------


def test_list_shows_every_kata_by_level(kata) -> None:
    result = kata("list")
    out = clean(result)
    assert result.exit_code == 0, out
    assert out.index("Beginner") < out.index("toy ") < out.index("Intermediate") < out.index("toy2")
    assert re.search(r"toy\s+not started\s+5 pts\s+Toy: add and greet", out)
    assert re.search(r"toy2\s+not started\s+10 pts\s+Toy 2: double and halve", out)
    assert "Overall      [--------------------] 0/2  0/15 points" in out


def test_list_marks_current_and_passed(kata, repo: Path) -> None:
    mark_passed(repo, "toy")
    assert kata("start", "toy2").exit_code == 0
    result = kata("list")
    out = clean(result)
    assert result.exit_code == 0
    assert re.search(r"^\s+toy\s+passed", out, re.MULTILINE), out
    assert re.search(r"^ \* toy2\s+in progress", out, re.MULTILINE), out
    assert "Beginner [####################] 1/1" in out


def test_start_shows_the_task_and_makes_the_kata_current(kata, repo: Path) -> None:
    result = kata("start", "toy")
    out = clean(result)
    assert result.exit_code == 0, out
    assert "Toy: add and greet  (beginner, 5 points)" in out
    assert "## Task 1 — Add" in out and "## Task 2 — Greet" in out
    assert "Edit: katas/toy.py" in out
    assert "Then run: kata check" in out
    assert "Created" not in out
    assert progress_data(repo)["current"] == "toy"


def test_start_never_overwrites_the_learners_file(kata, repo: Path) -> None:
    mine = write(repo / "katas" / "toy.py", "# my work in progress\n")
    result = kata("start", "toy")
    assert result.exit_code == 0
    assert "Created" not in clean(result)
    assert mine.read_text() == "# my work in progress\n"


def test_start_recreates_a_missing_stub(kata, repo: Path) -> None:
    (repo / "katas" / "toy.py").unlink()
    result = kata("start", "toy")
    out = clean(result)
    assert result.exit_code == 0, out
    assert "Created katas/toy.py from the stub." in out
    stub = (repo / "tests" / "stubs" / "toy.py").read_text()
    assert (repo / "katas" / "toy.py").read_text() == stub


def test_next_starts_the_first_kata_not_passed(kata, repo: Path) -> None:
    result = kata("next")
    assert result.exit_code == 0
    assert "Toy: add and greet" in clean(result)
    assert progress_data(repo)["current"] == "toy"

    mark_passed(repo, "toy")
    result = kata("next")
    assert result.exit_code == 0
    assert "Toy 2: double and halve" in clean(result)
    assert progress_data(repo)["current"] == "toy2"

    mark_passed(repo, "toy2")
    result = kata("next")
    assert result.exit_code == 0
    assert "Every kata has passed. Well done!" in clean(result)


def test_gated_levels_lock_until_the_previous_level_passes(kata, repo: Path) -> None:
    result = kata("--gated", "start", "toy2")
    assert result.exit_code == 1
    assert ("Error: toy2 is locked until its previous level passes; still to pass: toy"
            in clean(result))
    listing = clean(kata("--gated", "list"))
    assert re.search(r"toy2\s+locked", listing), listing
    mark_passed(repo, "toy")
    assert kata("--gated", "start", "toy2").exit_code == 0


# --- check --------------------------------------------------------------------------------------


def test_check_without_a_current_kata_says_how_to_start(kata) -> None:
    result = kata("check")
    assert result.exit_code == 1
    assert "Error: no current kata; run `kata start toy` (or `kata next`) first" in clean(result)


@pytest.mark.timeout(30)
def test_check_fails_on_the_stub_then_passes_with_the_solution(kata, repo: Path) -> None:
    assert kata("start", "toy").exit_code == 0
    result = kata("check")
    out = clean(result)
    assert result.exit_code == 1, out
    assert "toy: failed  (0/3 tests passed)" in out
    assert "Task 1 — Add  0/2  not started yet (katas/toy.py:6)" in out
    assert "Task 2 — Greet  0/1  not started yet (katas/toy.py:11)" in out
    assert "Beginner     [--------------------] 0/1  0/5 points" in out
    assert progress_data(repo)["katas"]["toy"]["last_status"] == "failed"

    write(repo / "katas" / "toy.py", "def add(a, b):\n    return a - b\n\n\n"
          "def greet(name):\n    return f'Hello, {name}!'\n")
    result = kata("check")
    out = clean(result)
    assert result.exit_code == 1, out
    assert "toy: failed  (1/3 tests passed)" in out
    assert "FAIL add returns the sum" in out
    assert "add(2, 3) returned -1; expected 5" in out
    assert "Task 2 — Greet  1/1" in out

    solve(repo, "toy")
    result = kata("check")
    out = clean(result)
    assert result.exit_code == 0, out
    assert "toy: passed  (3/3 tests passed)" in out
    assert "Task 2 — Greet  1/1" in out
    assert "Passed! Next: kata start toy2" in out

    result = kata("progress")
    out = clean(result)
    assert result.exit_code == 0, out
    assert "Beginner     [####################] 1/1  5/5 points" in out
    assert "Intermediate [--------------------] 0/1  0/10 points" in out
    assert "Overall      [##########----------] 1/2  5/15 points" in out
    assert "Next: kata start toy2" in out
    entry = progress_data(repo)["katas"]["toy"]
    assert entry["passed"] is True and entry["tests_passed"] == entry["tests_total"] == 3


@pytest.mark.timeout(30)
def test_check_all_grades_every_kata(kata, repo: Path) -> None:
    solve(repo, "toy")
    result = kata("check", "--all")
    out = clean(result)
    assert result.exit_code == 1, out
    assert "toy: passed  (3/3 tests passed)" in out
    assert "toy2: failed  (0/2 tests passed)" in out
    assert "Overall      [##########----------] 1/2  5/15 points" in out

    solve(repo, "toy2")
    result = kata("check", "--all")
    out = clean(result)
    assert result.exit_code == 0, out
    assert "Overall      [####################] 2/2  15/15 points" in out
    progress = clean(kata("progress"))
    assert "Every kata has passed!" in progress


@pytest.mark.timeout(30)
def test_check_goes_on_after_a_kata_that_hangs(kata, repo: Path) -> None:
    # the catalogue's test_timeout stops the hanging test; toy2 is still graded
    write_catalogue(repo, KATAS, {"test_timeout": 1, "wall_clock": 10})
    write(repo / "katas" / "toy.py", "def add(a, b):\n    while a == 2:\n        pass\n"
          "    return a + b\n\n\ndef greet(name):\n    return f'Hello, {name}!'\n")
    solve(repo, "toy2")
    result = kata("check", "--all")
    out = clean(result)
    assert result.exit_code == 1, out
    assert "toy: timeout  (2/3 tests passed)" in out
    assert "a test ran longer than its time limit" in out
    assert "toy2: passed  (2/2 tests passed)" in out


def test_check_reports_a_syntax_error_in_one_line(kata, repo: Path) -> None:
    write(repo / "katas" / "toy.py", "def add(a, b)\n    return a + b\n")
    result = kata("check", "toy")
    out = clean(result)
    assert result.exit_code == 1, out
    assert "toy: error  (0/3 tests passed)" in out
    assert "SyntaxError" in out and "(katas/toy.py, line 1)" in out


def test_check_a_missing_learner_file_says_how_to_recreate_it(kata, repo: Path) -> None:
    (repo / "katas" / "toy.py").unlink()
    result = kata("check", "toy")
    assert result.exit_code == 1
    assert "Error: katas/toy.py is missing; `kata start toy` recreates the stub" in clean(result)


def test_check_works_in_a_release_without_solutions(kata, repo: Path) -> None:
    solve(repo, "toy")
    shutil.rmtree(repo / "solutions")
    result = kata("check", "toy")
    assert result.exit_code == 0, clean(result)
    assert "toy: passed" in result.output


# --- hint, progress, reset ----------------------------------------------------------------------


def test_hint_climbs_the_ladder_of_task_1_before_any_check(kata, repo: Path) -> None:
    assert kata("start", "toy").exit_code == 0
    first = kata("hint")
    assert first.exit_code == 0
    assert clean(first).splitlines() == [
        "Task 1 — Add", "  Hint 1/3: Adding is the arithmetic you already know."]
    second = clean(kata("hint", "toy"))
    assert "Hint 1/3" in second and "  Hint 2/3: Use the + operator." in second
    assert "Hint 3/3" not in second
    assert progress_data(repo)["katas"]["toy"]["hints"] == {"1": 2}
    third = kata("hint")
    assert "  Hint 3/3: return a + b" in clean(third)
    assert "That was the last hint for task 1." in third.output
    again = kata("hint")
    assert again.exit_code == 0
    assert "  Hint 3/3: return a + b" in clean(again)
    assert "No more hints for task 1: these are all 3." in again.output
    assert "Greet" not in again.output  # task 2's ladder is untouched


@pytest.mark.timeout(30)
def test_hint_follows_the_first_task_failing_at_the_last_check(kata, repo: Path) -> None:
    write(repo / "katas" / "toy.py", "def add(a, b):\n    return a + b\n\n\n"
          "def greet(name):\n    return 'hi'\n")
    assert kata("check", "toy").exit_code == 1
    result = kata("hint")
    out = clean(result)
    assert result.exit_code == 0, out
    assert out.splitlines() == [
        "Task 2 — Greet", "  Hint 1/3: A greeting is a string built around the name."]
    solve(repo, "toy")
    assert kata("check").exit_code == 0
    out = clean(kata("hint"))
    assert out.strip() == ("Every task of toy passed its last check; `kata hint toy --task N` "
                           "still climbs the ladder of task N.")
    assert progress_data(repo)["katas"]["toy"]["hints"] == {"2": 1}


def test_hint_task_climbs_that_task(kata, repo: Path) -> None:
    result = kata("hint", "toy2", "--task", "2")
    out = clean(result)
    assert result.exit_code == 0, out
    assert out.splitlines() == [
        "Task 2 — Halve", "  Hint 1/3: Half of an odd number is not a whole number."]
    assert progress_data(repo)["current"] == "toy2"  # `kata hint SLUG` makes SLUG current
    out = clean(kata("hint", "--task", "1"))
    assert out.splitlines() == [
        "Task 1 — Double", "  Hint 1/2: Twice a number is the number added to itself."]
    assert progress_data(repo)["katas"]["toy2"]["hints"] == {"1": 1, "2": 1}


@pytest.mark.parametrize("number", ["3", "0", "-1"])
def test_hint_for_an_unknown_task_is_one_line_and_exit_2(kata, repo: Path, number: str) -> None:
    result = kata("hint", "toy", "--task", number)
    out = clean(result)
    assert result.exit_code == 2, out
    assert out.strip() == f"Error: toy has no task {number}; its tasks are 1, 2"
    assert not (repo / ".kata" / "progress.json").exists()  # nothing counted


def test_hint_task_must_be_a_number(kata) -> None:
    result = kata("hint", "toy", "--task", "two")
    assert result.exit_code == 2
    assert "'two' is not a valid integer" in clean(result)


def test_progress_counts_hints_per_task(kata) -> None:
    for args in (["toy"], ["toy"], ["toy", "--task", "2"], ["toy2", "--task", "2"]):
        assert kata("hint", *args).exit_code == 0
    out = clean(kata("progress"))
    assert "Hints shown: 4\n  toy   task 1 2/3, task 2 1/3\n  toy2  task 2 1/3\n" in out, out


def test_progress_on_a_fresh_repository(kata) -> None:
    result = kata("progress")
    out = clean(result)
    assert result.exit_code == 0, out
    assert "Beginner     [--------------------] 0/1  0/5 points" in out
    assert "Overall      [--------------------] 0/2  0/15 points" in out
    assert "Hints shown: 0" in out
    assert "Next: kata start toy" in out


def test_reset_keeps_a_backup_of_the_learners_work(kata, repo: Path) -> None:
    write(repo / "katas" / "toy.py", "def add(a, b):\n    return 'my attempt'\n")
    result = kata("reset", "toy")
    out = clean(result)
    assert result.exit_code == 0, out
    match = re.search(r"toy: stub restored; your files were saved to (\.kata/backups/toy-\S+)", out)
    assert match, out
    backup = repo / match.group(1)
    assert re.fullmatch(r"toy-\d{8}T\d{6}\d+Z", backup.name), backup.name
    assert (backup / "katas" / "toy.py").read_text() == "def add(a, b):\n    return 'my attempt'\n"
    stub = (repo / "tests" / "stubs" / "toy.py").read_text()
    assert (repo / "katas" / "toy.py").read_text() == stub


def test_reset_twice_keeps_two_backups(kata, repo: Path) -> None:
    assert kata("reset", "toy").exit_code == 0
    assert kata("reset", "toy").exit_code == 0
    assert len(list((repo / ".kata" / "backups").iterdir())) == 2


def test_reset_of_a_missing_file_restores_it_without_a_backup(kata, repo: Path) -> None:
    (repo / "katas" / "toy2.py").unlink()
    result = kata("reset", "--all")
    out = clean(result)
    assert result.exit_code == 0, out
    assert "toy2: stub restored\n" in out + "\n"
    assert "toy: stub restored; your files were saved to" in out
    assert (repo / "katas" / "toy2.py").is_file()


def test_reset_without_a_slug_is_a_usage_error(kata) -> None:
    result = kata("reset")
    assert result.exit_code == 2
    assert "name a kata to reset (or --all)" in clean(result)


# --- user errors: one line, the right exit code, no traceback ------------------------------------


@pytest.mark.parametrize("command", ["start", "check", "hint", "reset", "verify"])
def test_unknown_slug_exits_2_with_did_you_mean(kata, command: str) -> None:
    result = kata(command, "toyy")
    out = clean(result)
    assert result.exit_code == 2, out
    assert "Error: no kata named 'toyy'; did you mean 'toy'?" in out
    assert len(out.strip().splitlines()) == 1, out


def test_unknown_slug_with_nothing_close_points_to_list(kata) -> None:
    result = kata("start", "zzzzzz")
    assert result.exit_code == 2
    assert "no kata named 'zzzzzz'; `kata list` shows all 2" in clean(result)


def test_missing_catalogue_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--repo", str(tmp_path), "list"])
    out = clean(result)
    assert result.exit_code == 1
    assert f"no katas.toml in {tmp_path.resolve()}" in out
    assert len(out.strip().splitlines()) == 1, out


def test_broken_catalogue_is_one_line_naming_kata_and_field(kata, repo: Path) -> None:
    text = (repo / "katas.toml").read_text().replace('level = "intermediate"', 'level = "expert"')
    (repo / "katas.toml").write_text(text)
    result = kata("list")
    out = clean(result)
    assert result.exit_code == 1
    assert out.strip() == ("Error: kata 'toy2': level: 'expert' is not one of beginner, "
                           "intermediate, advanced")


def test_kata_finds_the_repository_from_a_subfolder(repo: Path, monkeypatch) -> None:
    monkeypatch.chdir(repo / "katas")
    result = CliRunner().invoke(main, ["list"])
    assert result.exit_code == 0
    assert "toy2" in clean(result)


def test_progress_that_cannot_be_saved_is_one_line(kata, repo: Path, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    result = kata("hint", "toy")
    out = clean(result)
    assert result.exit_code == 1
    assert "Error: cannot save progress to" in out and "Permission denied" in out
    assert not (repo / ".kata" / "progress.json").exists()
    assert list((repo / ".kata").glob("*.tmp")) == []


# --- verify -------------------------------------------------------------------------------------


@pytest.mark.timeout(30)
def test_verify_passes_on_the_toy_repository(kata) -> None:
    result = kata("verify")
    out = clean(result)
    assert result.exit_code == 0, out
    assert re.search(r"toy\s+2 tasks, 6 rungs\s+3/3 fail\s+3/3 pass\s+3/3 rejected\s+ok", out), out
    assert re.search(r"toy2\s+2 tasks, 5 rungs\s+2/2 fail\s+2/2 pass\s+3/3 rejected\s+ok",
                     out), out
    assert "2 of 2 katas sound" in out


@pytest.mark.timeout(30)
def test_verify_fails_when_a_mutant_passes(kata, repo: Path) -> None:
    write(repo / "solutions" / "mutants" / "toy" / "subtracts.py",
          '"""Subtracts instead of adding."""\nfrom _reference import *\n')
    result = kata("verify", "toy")
    out = clean(result)
    assert result.exit_code == 1, out
    assert re.search(r"toy\s+2 tasks, 6 rungs\s+3/3 fail\s+3/3 pass\s+2/3 rejected\s+FAIL",
                     out), out
    assert ("toy: mutant 'subtracts' (Subtracts instead of adding.) passes every test: "
            "the suite misses this mistake") in out
    assert "0 of 1 katas sound" in out


@pytest.mark.timeout(30)
def test_verify_fails_when_a_test_passes_on_the_stub(kata, repo: Path) -> None:
    stub = repo / "tests" / "stubs" / "toy.py"
    stub.write_text(stub.read_text().replace(
        'raise NotImplementedError("Task 2: greet")', 'return f"Hello, {name}!"'))
    result = kata("verify", "toy")
    out = clean(result)
    assert result.exit_code == 1, out
    assert "toy: test_greet_says_hello passes on the stub: it grades nothing" in out
    assert "test_add_returns_the_sum passes" not in out
    assert re.search(r"toy\s+2 tasks, 6 rungs\s+2/3 fail", out), out


@pytest.mark.timeout(30)
def test_verify_reports_authoring_problems(kata, repo: Path) -> None:
    readme = repo / "katas" / "toy.md"
    readme.write_text(readme.read_text().replace("## Task 2 — Greet\n", "")
                      .replace("Run `kata check toy`.", "Good luck."))
    write_hints(repo, "toy", {1: HINTS["toy"][1]})  # the catalogue still loads
    (repo / "solutions" / "mutants" / "toy" / "no_bang.py").unlink()
    write(repo / "solutions" / "mutants" / "toy" / "multiplies.py",
          '"""Imports a name the solution lacks."""\nfrom _reference import nothing\n')
    result = kata("verify", "toy")
    out = clean(result)
    assert result.exit_code == 1, out
    assert ("toy: katas/toy.md must have the line Run `kata check toy`. last before "
            "'## Sources'") in out
    assert ("toy: test_greet_says_hello is marked task 2, which katas/toy.md has no "
            "'## Task 2' for") in out
    assert "toy: 2 mutants in solutions/mutants/toy/, at least 3 needed" in out
    assert ("toy: mutant 'multiplies' (Imports a name the solution lacks.) does not even import "
            "(ImportError: cannot import name 'nothing'") in out


@pytest.mark.timeout(30)
def test_verify_reports_a_missing_solution(kata, repo: Path) -> None:
    (repo / "solutions" / "toy2.py").unlink()
    result = kata("verify", "toy2")
    out = clean(result)
    assert result.exit_code == 1, out
    assert "toy2: no reference solution at solutions/toy2.py" in out
