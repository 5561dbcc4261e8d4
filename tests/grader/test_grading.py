"""`kata grade` on the toy repository: every format, --output, --strict, exit codes, tampering."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from gradecheck import CLASSROOM50, POINTS, check_classroom50_result, one_line_error
from toyrepo import KATAS, clean, solve, write

from grader.teaching import integrity

pytestmark = pytest.mark.timeout(60)

LEVEL = {k["slug"]: k["level"] for k in KATAS}
TESTS = {"toy": ["test_add_returns_the_sum", "test_add_handles_negative_numbers",
                 "test_greet_says_hello"],
         "toy2": ["test_double_returns_twice_the_number", "test_halve_keeps_the_fraction"]}


def grade_json(kata, *args: str) -> dict:
    result = kata("grade", "--format", "json", *args)
    clean(result)
    return json.loads(result.stdout)


@pytest.fixture
def half_solved(repo: Path) -> Path:
    """toy solved (5 points), toy2 still the stub."""
    solve(repo, "toy")
    return repo


# --- text --------------------------------------------------------------------------------------


def test_text_shows_each_level_each_kata_and_the_total(kata, half_solved) -> None:
    result = kata("grade")
    out = clean(result)
    assert result.exit_code == 0, out
    assert "Beginner: 5/5 points, 1/1 katas, 3/3 tests" in out
    assert "Intermediate: 0/10 points, 0/1 katas, 0/2 tests" in out
    toy = next(line for line in out.splitlines() if line.strip().startswith("toy "))
    assert "passed" in toy and "3/3" in toy and "5/5 points" in toy
    toy2 = next(line for line in out.splitlines() if line.strip().startswith("toy2 "))
    assert "failed" in toy2 and "0/2" in toy2 and "0/10 points" in toy2
    assert "Total: 5/15 points" in out
    assert "no kata-manifest.json" in out  # an author's repository: integrity not checked


# --- json --------------------------------------------------------------------------------------


def test_json_follows_the_schema_and_its_sums_add_up(kata, half_solved) -> None:
    data = grade_json(kata)
    assert data["schema"] == "kata/grade/v1"
    assert {"generated_at", "score", "max_score", "integrity_checked", "tampered", "warnings",
            "levels", "katas"} <= set(data)
    assert data["integrity_checked"] is False and data["tampered"] is False
    katas = {k["slug"]: k for k in data["katas"]}
    assert list(katas) == ["toy", "toy2"]
    assert data["score"] == sum(k["score"] for k in data["katas"]) == 5
    assert data["max_score"] == sum(k["points"] for k in data["katas"]) == 15
    for slug, k in katas.items():
        assert k["level"] == LEVEL[slug] and k["points"] == POINTS[slug]
        assert k["tests_total"] == len(k["tests"]) == len(TESTS[slug])
        assert k["tests_passed"] == sum(t["status"] == "passed" for t in k["tests"])
        assert [t["name"] for t in k["tests"]] == [
            f"tests/katas/test_{slug}.py::{name}" for name in TESTS[slug]]
        assert k["tampered"] == [] and k["flags"] == []
    assert katas["toy"]["status"] == "passed" and katas["toy"]["score"] == 5
    assert katas["toy"]["tests_passed"] == 3
    assert katas["toy2"]["status"] == "failed" and katas["toy2"]["score"] == 0
    assert katas["toy2"]["tests_passed"] == 0
    first = katas["toy"]["tests"][0]
    assert first["title"] == "add returns the sum" and first["task"] == 1
    failing = katas["toy2"]["tests"][0]
    assert failing["status"] == "failed" and "Task 1: double" in failing["message"]
    assert failing["where"] and failing["where"].startswith("katas/toy2.py")
    levels = {row["level"]: row for row in data["levels"]}
    assert list(levels) == ["beginner", "intermediate"]
    for level, row in levels.items():
        mine = [k for k in data["katas"] if k["level"] == level]
        assert row["score"] == sum(k["score"] for k in mine)
        assert row["max_score"] == sum(k["points"] for k in mine)
        assert row["katas_passed"] == sum(k["status"] == "passed" for k in mine)
        assert row["katas_total"] == len(mine)
        assert row["tests_passed"] == sum(k["tests_passed"] for k in mine)
        assert row["tests_total"] == sum(k["tests_total"] for k in mine)
    assert sum(r["score"] for r in data["levels"]) == data["score"]
    assert sum(r["max_score"] for r in data["levels"]) == data["max_score"]


def test_json_to_a_file_with_output(kata, half_solved, tmp_path: Path) -> None:
    target = tmp_path / "grade.json"
    result = kata("grade", "--format", "json", "--output", str(target))
    assert result.exit_code == 0, clean(result)
    assert result.stdout.strip() == ""
    assert json.loads(target.read_text(encoding="utf-8"))["score"] == 5


def test_json_of_one_kata_counts_only_that_kata(kata, half_solved) -> None:
    data = grade_json(kata, "toy2")
    assert [k["slug"] for k in data["katas"]] == ["toy2"]
    assert data["score"] == 0 and data["max_score"] == 10


# --- junit -------------------------------------------------------------------------------------


def test_junit_has_one_testcase_per_test_and_counts_failures(kata, half_solved) -> None:
    result = kata("grade", "--format", "junit")
    assert result.exit_code == 0, clean(result)
    root = ET.fromstring(result.stdout.encode("utf-8"))
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert list(suites) == ["toy", "toy2"]
    cases = list(root.iter("testcase"))
    assert len(cases) == 5 == int(root.get("tests"))
    for slug, suite in suites.items():
        assert len(suite.findall("testcase")) == len(TESTS[slug]) == int(suite.get("tests"))
        props = {p.get("name"): p.get("value") for p in suite.iter("property")}
        assert props["points"] == str(POINTS[slug]) and props["level"] == LEVEL[slug]
    assert suites["toy"].get("failures") == "0" and suites["toy"].get("errors") == "0"
    assert {p.get("name"): p.get("value") for p in suites["toy"].iter("property")}["score"] == "5"
    bad = suites["toy2"]
    assert int(bad.get("failures")) + int(bad.get("errors")) == 2
    assert len([c for c in bad.findall("testcase")
                if c.find("failure") is not None or c.find("error") is not None]) == 2
    assert int(root.get("failures")) + int(root.get("errors")) == 2
    assert [c.get("name") for c in suites["toy"].findall("testcase")] == [
        "add returns the sum", "add handles negative numbers", "greet says hello"]


# --- markdown ----------------------------------------------------------------------------------


def test_markdown_has_the_total_a_row_per_kata_and_what_failed(kata, half_solved) -> None:
    result = kata("grade", "--format", "markdown")
    out = clean(result)
    assert result.exit_code == 0, out
    assert out.startswith("## kata grade: 5/15 points")
    assert "| beginner | 5/5 | 1/1 | 3/3 |" in out
    assert "| intermediate | 0/10 | 0/1 | 0/2 |" in out
    assert "| ✅ `toy` | passed | 3/3 | 5/5 |" in out
    assert "| ❌ `toy2` | failed | 0/2 | 0/10 |" in out
    assert "<details><summary>What failed</summary>" in out
    assert "- double returns twice the number:" in out


# --- classroom50 -------------------------------------------------------------------------------


@pytest.fixture
def classroom50_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name, value in CLASSROOM50.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("CLASSROOM50_BUNDLE_DIR", raising=False)
    cwd = tmp_path / "checkout"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return cwd


def test_classroom50_writes_result_json_and_release_body(kata, half_solved,
                                                         classroom50_env: Path) -> None:
    result = kata("grade", "--format", "classroom50")
    out = clean(result)
    assert result.exit_code == 0, out
    data = json.loads((classroom50_env / "result.json").read_text(encoding="utf-8"))
    check_classroom50_result(data, CLASSROOM50, 5, 15, {"toy": True, "toy2": False})
    body = (classroom50_env / "release-body.md").read_text(encoding="utf-8")
    assert body.startswith("## Your grade: 5/15 points")
    assert "`toy2`" in body


def test_classroom50_with_output_writes_both_files_there(kata, half_solved, classroom50_env: Path,
                                                         tmp_path: Path) -> None:
    target = tmp_path / "out" / "grade.json"
    target.parent.mkdir()
    result = kata("grade", "--format", "classroom50", "--output", str(target))
    assert result.exit_code == 0, clean(result)
    check_classroom50_result(json.loads(target.read_text(encoding="utf-8")), CLASSROOM50, 5, 15,
                             {"toy": True, "toy2": False})
    assert (target.parent / "release-body.md").is_file()
    assert not (classroom50_env / "result.json").exists()


def test_classroom50_without_its_environment_is_one_line_exit_4(kata, classroom50_env: Path,
                                                                monkeypatch) -> None:
    monkeypatch.delenv("COMMIT_URL")
    result = kata("grade", "--format", "classroom50")
    assert result.exit_code == 4
    assert "COMMIT_URL" in one_line_error(result)


def test_classroom50_rejects_a_submission_tag_not_under_submit(kata, classroom50_env: Path,
                                                               monkeypatch) -> None:
    monkeypatch.setenv("SUBMISSION_TAG", "v1")
    result = kata("grade", "--format", "classroom50")
    assert result.exit_code == 4
    assert "submit/" in one_line_error(result)


# --- --output that cannot be written -----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "markdown", "classroom50"])
def test_output_that_cannot_be_written_is_one_line_exit_4(kata, repo: Path, fmt: str,
                                                          classroom50_env: Path) -> None:
    target = repo / "katas.toml" / "grade.out"  # its parent is a regular file
    result = kata("grade", "--format", fmt, "--output", str(target))
    assert result.exit_code == 4, result.output
    assert "grade.out" in one_line_error(result)
    assert not (classroom50_env / "result.json").exists()


# --- --strict and usage errors -----------------------------------------------------------------


def test_strict_single_kata_exits_0_only_when_it_passes(kata, repo: Path) -> None:
    assert kata("grade", "toy", "--strict").exit_code == 1
    solve(repo, "toy")
    result = kata("grade", "toy", "--strict")
    assert result.exit_code == 0, clean(result)
    assert kata("grade", "toy2", "--strict").exit_code == 1
    assert kata("grade", "--strict").exit_code == 1  # every kata: toy2 still fails
    assert kata("grade", "toy2").exit_code == 0  # without --strict a low score is not an error


def test_strict_every_kata_exits_0_when_all_pass(kata, repo: Path) -> None:
    solve(repo, "toy")
    solve(repo, "toy2")
    result = kata("grade", "--strict", "--format", "json")
    assert result.exit_code == 0, clean(result)
    assert json.loads(result.stdout)["score"] == 15


def test_unknown_kata_is_a_usage_error(kata) -> None:
    result = kata("grade", "toyy")
    assert result.exit_code == 2
    assert "did you mean 'toy'" in one_line_error(result)


def test_a_hidden_test_counts_but_keeps_its_name_out(kata, repo: Path, tmp_path: Path) -> None:
    solve(repo, "toy")
    extra = tmp_path / "extra"
    write(extra / "test_toy_hidden.py",
          "from toy import add\n\n\ndef test_secret_overflow():\n"
          "    assert add(1, 1) == 3, 'SECRET-MESSAGE'\n")
    data = grade_json(kata, "--extra-tests", str(extra))
    toy = next(k for k in data["katas"] if k["slug"] == "toy")
    assert toy["status"] == "failed" and toy["score"] == 0
    assert toy["tests_total"] == 4 and toy["tests_passed"] == 3
    text = json.dumps(data)
    assert "secret" not in text.lower() and "SECRET-MESSAGE" not in text
    assert "hidden::test_hidden_1" in text


# --- tampering ---------------------------------------------------------------------------------


def test_tampering_exits_3_names_the_file_and_zeroes_its_kata(kata, repo: Path) -> None:
    solve(repo, "toy")
    solve(repo, "toy2")
    integrity.write(repo)
    test_file = repo / "tests" / "katas" / "test_toy.py"
    test_file.write_text(test_file.read_text() + "\n\ndef test_bonus():\n    pass\n")
    result = kata("grade", "--format", "json")
    assert result.exit_code == 3
    assert "tests/katas/test_toy.py: edited" in result.stderr
    assert "Traceback" not in result.output
    data = json.loads(result.stdout)
    assert data["tampered"] is True and data["integrity_checked"] is True
    katas = {k["slug"]: k for k in data["katas"]}
    assert katas["toy"]["status"] == "tampered" and katas["toy"]["score"] == 0
    assert katas["toy"]["tampered"] == ["tests/katas/test_toy.py: edited"]
    assert katas["toy2"]["status"] == "passed" and katas["toy2"]["score"] == 10
    assert data["score"] == 10
    assert kata("grade", "toy", "--strict").exit_code == 3
    assert kata("grade", "toy2", "--strict").exit_code == 0


def test_an_intact_manifest_is_checked_and_not_tampering(kata, repo: Path) -> None:
    integrity.write(repo)
    result = kata("grade", "--format", "json")
    assert result.exit_code == 0, clean(result)
    data = json.loads(result.stdout)
    assert data["integrity_checked"] is True and data["tampered"] is False
    assert data["warnings"] == []
