"""The runner's statuses: what one isolated kata run reports, whatever the learner's code does."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from toyrepo import solve, write

from grader import catalogue
from grader.catalogue import Limits
from grader.running import runner

# Small limits keep the hangs short; the margins leave room for a busy machine.
TEST_HANG = Limits(test_timeout=0.5, wall_clock=8.0)
IMPORT_HANG = Limits(test_timeout=0.5, wall_clock=1.5)


def toy(root: Path, limits: Limits | None = None) -> catalogue.Kata:
    kata = catalogue.load(root).get("toy")
    return dataclasses.replace(kata, limits=limits) if limits else kata


# What the pristine toy suite collects; passing it spares each run the collection on the stub
# (the tests marked "collects" below exercise that path).
EXPECTED_TOY = [{"name": f"tests/katas/test_toy.py::{name}", "task": task} for name, task in [
    ("test_add_returns_the_sum", 1), ("test_add_handles_negative_numbers", 1),
    ("test_greet_says_hello", 2)]]


def run(root: Path, source: str | None = None, limits: Limits | None = None,
        collect: bool = False) -> runner.KataResult:
    if source is not None:
        write(root / "katas" / "toy.py", source)
    return runner.run_kata(root, toy(root, limits), expected=None if collect else EXPECTED_TOY)


def statuses(result: runner.KataResult) -> list[str]:
    return [t.status for t in result.tests]


def test_the_stub_fails_with_readable_messages(repo: Path) -> None:
    result = run(repo, collect=True)
    assert result.status == "failed" and result.cause == ""
    assert statuses(result) == ["failed"] * 3
    first = result.tests[0]
    assert first.title == "add returns the sum" and first.task == 1
    assert first.message == "NotImplementedError: Task 1: add"
    assert first.where == 'katas/toy.py:6: raise NotImplementedError("Task 1: add")'
    assert result.to_dict()["tests_total"] == 3 and result.to_dict()["tests_passed"] == 0


def test_the_solution_passes(repo: Path) -> None:
    solve(repo, "toy")
    result = run(repo)
    assert result.status == "passed", result
    assert result.tests_passed == 3


def test_the_expected_tests_are_cached_by_fingerprint(repo: Path) -> None:
    run(repo, collect=True)
    cache = json.loads((repo / ".kata" / "cache" / "toy.json").read_text())
    assert cache["fingerprint"] == runner.fingerprint(repo, toy(repo))
    tests = cache["expected"]["tests"]
    assert [{"name": t["name"], "task": t["task"]} for t in tests] == EXPECTED_TOY
    assert all(len(t["code"]) == 16 for t in tests) and len(cache["expected"]["suite"]) == 16


def test_a_wrong_answer_fails_with_the_assertion_message(repo: Path) -> None:
    result = run(repo, "def add(a, b):\n    return a - b\n\n\ndef greet(name):\n"
                       "    return f'Hello, {name}!'\n")
    assert result.status == "failed"
    assert statuses(result) == ["failed", "failed", "passed"]
    assert result.tests[0].message.startswith("add(2, 3) returned -1; expected 5")


def test_a_test_that_hangs_times_out(repo: Path) -> None:
    result = run(repo, "def add(a, b):\n    while a == 2:\n        pass\n    return a + b\n\n\n"
                       "def greet(name):\n    return f'Hello, {name}!'\n", TEST_HANG)
    assert result.status == "timeout"
    assert result.cause == "a test ran longer than its time limit"
    assert statuses(result) == ["timeout", "passed", "passed"]
    assert result.tests[0].where == "katas/toy.py:2: while a == 2:"


def test_an_import_that_hangs_hits_the_wall_clock(repo: Path) -> None:
    result = run(repo, "while True:\n    pass\n", IMPORT_HANG)
    assert result.status == "timeout"
    assert result.cause == "the suite ran longer than its 1.5 s limit"
    assert statuses(result) == ["missing"] * 3


def test_os_exit_is_a_crash_whatever_the_exit_code(repo: Path) -> None:
    result = run(repo, "import os\n\n\ndef add(a, b):\n    os._exit(0)\n\n\n"
                       "def greet(name):\n    os._exit(0)\n")
    assert result.status == "crashed"
    assert result.cause == "the process exited early (exit code 0)"
    assert not result.passed


def test_a_signal_is_a_crash(repo: Path) -> None:
    result = run(repo, "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n")
    assert result.status == "crashed"
    assert result.cause == "killed by signal SIGSEGV"


def test_a_syntax_error_is_an_error_with_file_and_line(repo: Path) -> None:
    result = run(repo, '"""My attempt."""\n\ndef add(a, b)\n    return a + b\n')
    assert result.status == "error"
    assert result.cause.startswith("SyntaxError")
    assert result.cause.endswith("(katas/toy.py, line 3)")
    assert statuses(result) == ["missing"] * 3


def test_sys_exit_at_import_is_an_error(repo: Path) -> None:
    result = run(repo, "import sys\nsys.exit(0)\n")
    assert result.status == "error"
    assert "SystemExit" in result.cause


def test_skiptest_at_import_does_not_pass(repo: Path) -> None:
    result = run(repo, "import unittest\nraise unittest.SkipTest('nothing to grade here')\n")
    assert result.status == "failed"
    assert not result.passed
    assert statuses(result) == ["missing"] * 3


def test_a_skipped_test_is_not_a_pass(repo: Path) -> None:
    result = run(repo, "import pytest\n\n\ndef add(a, b):\n    pytest.skip('later')\n\n\n"
                       "def greet(name):\n    return f'Hello, {name}!'\n")
    assert result.status == "failed"
    assert statuses(result) == ["skipped", "skipped", "passed"]
    assert result.tests[0].message == "skipped: later"


@pytest.mark.parametrize(("name", "value"), [("PYTEST_ADDOPTS", "-k nothing"),
                                             ("KATA_TREE", "solutions")])
def test_the_learners_environment_cannot_change_what_is_graded(
        repo: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    result = run(repo)
    assert result.status == "failed"
    assert statuses(result) == ["failed"] * 3  # every test still ran, on the learner's stub


def test_the_learners_conftest_is_never_loaded(repo: Path) -> None:
    solve(repo, "toy")
    write(repo / "tests" / "katas" / "conftest.py", "raise RuntimeError('conftest was loaded')\n")
    write(repo / "katas" / "conftest.py", "raise RuntimeError('conftest was loaded')\n")
    assert run(repo).status == "passed"


def test_what_the_learners_code_prints_is_not_read(repo: Path) -> None:
    fake = json.dumps({"event": "test", "name": "tests/katas/test_toy.py::test_greet_says_hello",
                       "status": "passed"})
    result = run(repo, f"print({fake!r})\n\n\ndef add(a, b):\n    return a + b\n\n\n"
                       f"def greet(name):\n    print({fake!r})\n    raise ValueError('no')\n")
    assert result.status == "failed"
    assert statuses(result) == ["passed", "passed", "failed"]


def test_run_many_keeps_catalogue_order(repo: Path) -> None:
    solve(repo, "toy2")
    cat = catalogue.load(repo)
    results = runner.run_many(cat, cat.katas, jobs=2)
    assert [(r.slug, r.status) for r in results] == [("toy", "failed"), ("toy2", "passed")]


def test_a_pristine_suite_that_collects_nothing_is_an_error(repo: Path) -> None:
    write(repo / "tests" / "katas" / "test_toy.py", "import nothing_by_that_name\n")
    result = run(repo, collect=True)
    assert result.status == "error"
    assert "collects no tests; run `kata verify`" in result.cause


# --- judge(): the grading rules on records, without a process -------------------------------------

EXPECTED = [{"name": "t::test_a", "task": 1}, {"name": "t::test_b", "task": 2}]


def records(*tests: tuple[str, str], exit_record: dict | None = None, exitstatus: int | None = 0
            ) -> list[dict]:
    out = [{"event": "collected", "tests": EXPECTED}]
    out += [{"event": "phase", "name": n, "when": when, "status": s if when == "call" else "passed",
             "message": "", "where": None, "duration": 0.0}
            for n, s in tests for when in ("setup", "call", "teardown")]
    if exitstatus is not None:
        out.append({"event": "finished", "exitstatus": exitstatus})
    out.append(exit_record or {"event": "exit", "code": exitstatus or 0})
    return out


def test_judge_passes_only_when_every_expected_test_passed() -> None:
    both = records(("t::test_a", "passed"), ("t::test_b", "passed"))
    assert runner.judge("k", both, EXPECTED, ("", "")).status == "passed"
    one = records(("t::test_a", "passed"))  # test_b deselected or missing
    result = runner.judge("k", one, EXPECTED, ("", ""))
    assert result.status == "failed"
    assert [t.status for t in result.tests] == ["passed", "missing"]
    assert runner.judge("k", records(), [], ("", "")).status == "failed"


@pytest.mark.parametrize(("recs", "status", "cause"), [
    ([], "crashed", "the suite ended without a result"),
    (records(exit_record={"event": "exit", "signal": 9}, exitstatus=None), "crashed",
     "killed by signal SIGKILL"),
    (records(("t::test_a", "passed"), ("t::test_b", "passed"), exitstatus=2), "error",
     runner.INTERRUPTED[2]),
    (records(("t::test_a", "memory"), ("t::test_b", "passed"), exitstatus=1), "crashed",
     "the memory limit was reached (MemoryError)"),
    (records(("t::test_a", "exit"), ("t::test_b", "passed"), exitstatus=1), "error",
     "SystemExit raised by the code under test (a)"),
])
def test_judge_statuses(recs: list[dict], status: str, cause: str) -> None:
    result = runner.judge("k", recs, EXPECTED, ("", ""))
    assert (result.status, result.cause) == (status, cause)


def test_judge_keeps_the_launch_status() -> None:
    result = runner.judge("k", [], EXPECTED, ("timeout", "too slow"))
    assert (result.status, result.cause) == ("timeout", "too slow")


def test_read_report_skips_a_line_cut_short(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text('{"event": "collected", "tests": []}\n{"event": "te')
    assert runner.read_report(path) == [{"event": "collected", "tests": []}]
    assert runner.read_report(tmp_path / "absent.jsonl") == []


def test_test_titles_read_as_sentences() -> None:
    assert runner.TestResult("t.py::test_retry_reraises", 1, "passed").title == "retry reraises"
    assert runner.TestResult("t.py::test_x_y[3-4]", 1, "passed").title == "x y [3-4]"


# --- judge(): what makes a run's records a forgery ---------------------------------------------


def phase(name: str, when: str, status: str = "passed", origin: str = "suite", **extra) -> dict:
    return {"event": "phase", "name": name, "when": when, "status": status, "message": "",
            "where": None, "duration": 0.0, "_from": origin, **extra}


def genuine(*tests: str) -> list[dict]:
    out = [{"event": "collected", "tests": EXPECTED, "_from": "suite"}]
    out += [phase(n, w) for n in tests for w in ("setup", "call", "teardown")]
    return out


def ending(code: int = 0) -> list[dict]:
    return [{"event": "finished", "exitstatus": code, "_from": "suite"},
            {"event": "returned", "code": code, "_from": "suite"},
            {"event": "exit", "code": code, "_from": "supervisor"}]


@pytest.mark.parametrize(("records", "reason"), [
    (genuine("t::test_a") + [phase("t::test_b", w, origin="other")
                             for w in ("setup", "call", "teardown")] + ending(),
     "came from a process other than the suite's"),
    (genuine("t::test_a") + ending()[:1] + [phase("t::test_b", "call")] + ending()[1:],
     "written after the suite ended"),
    (genuine("t::test_b", "t::test_a") + ending(), "out of the pristine order"),
    ([*genuine("t::test_a", "t::test_b"), phase("t::test_b", "call"), *ending()],
     "out of the pristine order"),
    (genuine("t::test_a", "t::test_b") + ending()[:1] + ending()[2:],
     "exited before pytest returned"),
    ([*genuine()[:1], {"event": "finished", "exitstatus": 0, "_from": "suite",
                        "integrity": ["a plugin was registered: x"]}, *ending()[1:]],
     "in-process tampering: a plugin was registered"),
], ids=["another-process", "after-the-end", "reordered", "repeated", "no-return",
        "the-watch-saw-it"])
def test_judge_calls_a_forged_run_tampered(records: list[dict], reason: str) -> None:
    result = runner.judge("k", records, EXPECTED)
    assert result.status == "tampered" and not result.passed
    assert any(reason in t for t in result.tampered), result.tampered
    assert result.cause == result.tampered[0]


def test_judge_checks_each_test_against_the_pristine_code() -> None:
    expected = {"tests": [{**t, "code": f"code-{t['name']}"} for t in EXPECTED], "suite": "s1"}
    records = [{"event": "collected", "tests": EXPECTED, "suite": "s1", "_from": "suite"}]
    for name in ("t::test_a", "t::test_b"):
        code = f"code-{name}" if name == "t::test_a" else "swapped"
        records += [phase(name, "setup"), phase(name, "call", code=code, code_after=code),
                    phase(name, "teardown")]
    records += [{"event": "finished", "exitstatus": 0, "suite": "s1", "_from": "suite"},
                *ending()[1:]]
    result = runner.judge("k", records, expected)
    assert result.tampered == ["test_b: the code that ran is not the pristine test's"]
    records[-3]["suite"] = "s2"  # a function of the test module changed during the run
    assert "the test module's functions differ" in runner.judge("k", records, expected).cause
