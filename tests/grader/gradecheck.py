"""Checks shared by the grading and release tests: Classroom50's rules, one-line errors."""

from __future__ import annotations

from datetime import datetime

from toyrepo import KATAS, clean

POINTS = {k["slug"]: k["points"] for k in KATAS}
CLASSROOM50 = {"CLASSROOM": "python-katas-2026", "ASSIGNMENT": "katas",
               "SUBMISSION_TAG": "submit/alice/1", "COMMIT_URL": "https://example.org/commit/1",
               "RELEASE_URL": "https://example.org/release/1",
               "REVIEW_URL": "https://example.org/review/1"}


def one_line_error(result) -> str:
    """A user error: one line on the output, no traceback."""
    output = clean(result).strip()
    assert output, "an error must say something"
    assert len(output.splitlines()) == 1, output
    return output


def check_classroom50_result(result: dict, env: dict[str, str], score: int, max_score: int,
                             passed: dict[str, bool]) -> None:
    """Every rule of Classroom50's result.json (schema classroom50/result/v1)."""
    assert result["schema"] == "classroom50/result/v1"
    assert result["classroom"] == env["CLASSROOM"]
    assert result["assignment"] == env["ASSIGNMENT"]
    assert result["submission"] == env["SUBMISSION_TAG"]
    assert result["submission"].startswith("submit/")
    assert result["commit"] == env["COMMIT_URL"]
    assert result["release"] == env["RELEASE_URL"]
    assert result["review"] == env["REVIEW_URL"]
    assert isinstance(result["datetime"], str) and result["datetime"]
    datetime.fromisoformat(result["datetime"])
    for key in ("score", "max-score"):
        assert type(result[key]) is int
    assert 0 <= result["score"] <= result["max-score"]
    assert (result["score"], result["max-score"]) == (score, max_score)
    assert [t["test-name"] for t in result["tests"]] == list(passed)
    for test in result["tests"]:
        assert type(test["passed"]) is bool
        assert type(test["score"]) is int and type(test["max-score"]) is int
        assert test["passed"] is passed[test["test-name"]]
        assert test["max-score"] == POINTS[test["test-name"]]
        assert test["score"] == (test["max-score"] if test["passed"] else 0)
    assert sum(t["score"] for t in result["tests"]) == result["score"]
    assert sum(t["max-score"] for t in result["tests"]) == result["max-score"]
