"""The pytest plugin: the ``--kata-tree`` switch, its header line, and the JSON-lines record.

Each test runs pytest on the toy suite in a real process, as the grader and authors do.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from toyrepo import solve, write


def run_pytest(root: Path, *args: str, env: dict[str, str] | None = None,
               suite: str = "tests/katas/test_toy.py") -> subprocess.CompletedProcess:
    clean_env = {k: v for k, v in os.environ.items()
                 if k not in ("KATA_TREE", "KATA_TREE_PATH", "PYTEST_ADDOPTS")}
    clean_env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    clean_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "pytest", suite, "-c", os.devnull, "--rootdir", str(root),
         "-p", "grader.running.plugin", "-p", "no:cacheprovider", *args],
        cwd=root, env=clean_env, capture_output=True, text=True, timeout=30)


def header(done: subprocess.CompletedProcess) -> str:
    return next(line for line in done.stdout.splitlines() if line.startswith("kata tree: "))


@pytest.mark.parametrize(("tree", "shown", "folder", "code"), [
    ("katas", "katas", "katas", 1),  # the learner's copy is still the stub
    ("solutions", "solutions", "solutions", 0),
    ("stubs", "stubs", "tests/stubs", 1),
])
def test_kata_tree_names(repo: Path, tree: str, shown: str, folder: str, code: int) -> None:
    done = run_pytest(repo, "--kata-tree", tree)
    assert done.returncode == code, done.stdout + done.stderr
    assert header(done) == f"kata tree: {shown} ({(repo / folder).resolve()})"


def test_katas_is_the_default_tree(repo: Path) -> None:
    solve(repo, "toy")
    done = run_pytest(repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert header(done) == f"kata tree: katas ({(repo / 'katas').resolve()})"
    assert "3 passed" in done.stdout


@pytest.mark.parametrize("relative", [False, True], ids=["absolute", "relative-to-root"])
def test_kata_tree_can_be_a_directory(repo: Path, relative: bool) -> None:
    folder = repo / "elsewhere"
    folder.mkdir()
    shutil.copy2(repo / "solutions" / "toy.py", folder / "toy.py")
    done = run_pytest(repo, "--kata-tree", "elsewhere" if relative else str(folder))
    assert done.returncode == 0, done.stdout + done.stderr
    assert header(done) == f"kata tree: directory ({folder.resolve()})"


def test_kata_tree_environment_fallback(repo: Path) -> None:
    done = run_pytest(repo, env={"KATA_TREE": "solutions"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert header(done).startswith("kata tree: solutions (")


def test_the_option_wins_over_the_environment(repo: Path) -> None:
    done = run_pytest(repo, "--kata-tree", "stubs", env={"KATA_TREE": "solutions"})
    assert done.returncode == 1, done.stdout + done.stderr
    assert header(done).startswith("kata tree: stubs (")


@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_wrong_tree_is_a_usage_error(repo: Path, how: str) -> None:
    if how == "option":
        done = run_pytest(repo, "--kata-tree", "solution")
    else:
        done = run_pytest(repo, env={"KATA_TREE": "solution"})
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    assert ("--kata-tree / $KATA_TREE: 'solution' is neither one of katas, solutions, stubs "
            "nor an existing directory") in done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_the_record_is_json_lines(repo: Path, tmp_path: Path) -> None:
    record = tmp_path / "record.jsonl"
    done = run_pytest(repo, "--kata-tree", "stubs", "--kata-report", str(record))
    assert done.returncode == 1
    lines = [json.loads(line) for line in record.read_text().splitlines()]
    events = [line["event"] for line in lines]
    assert events == ["collected", *["phase"] * 9, "finished"]
    prefix = "tests/katas/test_toy.py::"
    assert [{"name": t["name"], "task": t["task"]} for t in lines[0]["tests"]] == [
        {"name": prefix + "test_add_returns_the_sum", "task": 1},
        {"name": prefix + "test_add_handles_negative_numbers", "task": 1},
        {"name": prefix + "test_greet_says_hello", "task": 2},
    ]
    # what the runner checks against the pristine suite: a digest of each test's code
    assert all(len(t["code"]) == 16 for t in lines[0]["tests"]) and lines[0]["integrity"] == []
    assert [(r["when"], r["status"]) for r in lines[1:4]] == [
        ("setup", "passed"), ("call", "failed"), ("teardown", "passed")]
    first = lines[2]
    assert first["name"] == prefix + "test_add_returns_the_sum"
    assert first["code"] == first["code_after"] == lines[0]["tests"][0]["code"]
    assert first["message"] == "NotImplementedError: Task 1: add"
    assert first["where"] == 'stubs/toy.py:6: raise NotImplementedError("Task 1: add")'
    assert isinstance(first["duration"], float)
    assert lines[-1]["exitstatus"] == 1 and lines[-1]["integrity"] == []
    assert lines[-1]["suite"] == lines[0]["suite"]


def test_the_record_of_assertions_skips_and_collection_errors(repo: Path, tmp_path: Path) -> None:
    write(repo / "katas" / "toy.py", "import pytest\n\n\ndef add(a, b):\n    return a - b\n\n\n"
          "def greet(name):\n    pytest.skip('not today')\n")
    record = tmp_path / "record.jsonl"
    run_pytest(repo, "--kata-report", str(record))
    tests = [json.loads(line) for line in record.read_text().splitlines()]
    tests = {t["name"].rpartition("::")[2]: t for t in tests
             if (t["event"] == "phase" and t["when"] == "call") or t.get("status") == "skipped"}
    wrong = tests["test_add_returns_the_sum"]
    assert wrong["status"] == "failed"
    assert wrong["message"].startswith("add(2, 3) returned -1; expected 5")
    skipped = tests["test_greet_says_hello"]
    assert skipped["status"] == "skipped" and skipped["message"] == "skipped: not today"

    write(repo / "katas" / "toy.py", "def add(a, b):\n    return (a +\n")
    record.unlink()
    run_pytest(repo, "--kata-report", str(record))
    lines = [json.loads(line) for line in record.read_text().splitlines()]
    error = next(line for line in lines if line["event"] == "collect_error")
    assert error["message"].startswith("SyntaxError")
    assert error["message"].endswith("(katas/toy.py, line 2)")


def test_kata_tree_and_free_port_fixtures(repo: Path) -> None:
    write(repo / "tests" / "katas" / "test_fixtures.py", (
        "import os, socket\n"
        "def test_fixtures(kata_tree, free_port):\n"
        "    assert kata_tree.name == 'solutions'\n"
        "    assert os.environ['KATA_TREE_PATH'] == str(kata_tree)\n"
        "    with socket.socket() as s:\n"
        "        s.bind(('127.0.0.1', free_port))\n"))
    done = run_pytest(repo, "--kata-tree", "solutions", suite="tests/katas/test_fixtures.py")
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_shared_helper_a_suite_imports_counts_in_the_suite_digest() -> None:
    # A suite imports its assertions from kata_support; the learner's code rebinding that name
    # in the test module to a function of its own must change the digest, as for a local one.
    import types

    from grader.running.plugin import _codes

    helpers = {}
    for origin in ("kata_support", "toy"):
        namespace = {"__name__": origin}
        exec("def assert_error(response, status, what):\n    pass\n", namespace)
        helpers[origin] = namespace["assert_error"]
    assert isinstance(helpers["toy"], types.FunctionType)
    assert [name for name, _ in _codes("test_toy", "assert_error", helpers["kata_support"])] == [
        "assert_error"]
    assert list(_codes("test_toy", "assert_error", helpers["toy"])) == []
