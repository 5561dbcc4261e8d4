"""Grading a class at scale: shards merged into exactly one unsharded run's outputs, similarity
(a renamed copy pairs, untouched stubs never do), the LMS files, and the bad input."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from classbuild import CLASS, SCORES, write_class, write_roster
from click.testing import CliRunner
from gradecheck import one_line_error
from toyrepo import KATAS, clean, write, write_catalogue

from grader.catalogue import load
from grader.cli import main
from grader.running import runner
from grader.teaching import gradeall, shard
from grader.teaching.grading import Gradebook, KataGrade
from grader.teaching.shard import Shard

pytestmark = pytest.mark.timeout(120)
OUTPUTS = ["grades.csv", "similarity.csv", "class-report.json", "class-report.md",
           "class-report.html", "canvas.csv", "moodle.csv"]
ROSTER = [  # the class in another order, with ids, and one learner who never handed anything in
    {"learner": name, "repo": f"https://example.org/{name}.git", "email": f"{name}@uni.example",
     "sis_id": f"S{100 + i}"}
    for i, name in enumerate(["fay", "ada", "ben", "cy", "dee", "eve", "gus", "empty", "zoe"])
]


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


@pytest.fixture(scope="module")
def runs(toy_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One class graded three ways: unsharded, in two shards, and the shards merged."""
    base = tmp_path_factory.mktemp("scale")
    import shutil

    repo = base / "repo"
    shutil.copytree(toy_template, repo)
    write_catalogue(repo, KATAS, {"wall_clock": 4, "test_timeout": 1})
    subs = write_class(base / "subs")
    roster = write_roster(base / "roster.csv", ROSTER)
    report = ["--roster", str(roster), "--lms", "canvas", "--lms", "moodle"]

    def kata(*args: str) -> str:
        result = CliRunner().invoke(main, ["--repo", str(repo), "--no-color", *args])
        out = clean(result)
        assert result.exit_code == 0, out
        return out

    outs = {"whole": kata("grade-all", str(subs), "-o", str(base / "whole"), *report)}
    for k in (1, 2):
        outs[f"shard{k}"] = kata("grade-all", str(subs), "--shard", f"{k}/2",
                                 "-o", str(base / f"shard{k}"))
    outs["merged"] = kata("merge-grades", str(base / "merged"), str(base / "shard2"),
                          str(base / "shard1"), *report)
    return {"base": base, "repo": repo, "roster": roster, **{k: base / k for k in outs},
            "outs": outs}


def test_two_shards_merged_write_exactly_what_one_run_writes(runs) -> None:
    whole, merged = runs["whole"], runs["merged"]
    for name in [*OUTPUTS, *(f"feedback/{learner}.md" for learner in CLASS)]:
        assert (merged / name).read_bytes() == (whole / name).read_bytes(), name
    # and they are the right numbers
    rows = {r[0]: r for r in csv_rows(whole / "grades.csv")[1:]}
    assert {name: int(r[1]) for name, r in rows.items()} == SCORES
    report = json.loads((whole / "class-report.json").read_text(encoding="utf-8"))
    assert report["submissions"] == len(CLASS) and report["scores"] == SCORES
    # each shard graded its own share, by name, and wrote only its shard file
    split = {k: [n for n in sorted(CLASS) if n in Shard(k, 2)] for k in (1, 2)}
    assert split[1] and split[2]
    for k in (1, 2):
        folder = runs[f"shard{k}"]
        assert sorted(p.name for p in folder.iterdir()) == ["shard.json"]
        data = json.loads((folder / "shard.json").read_text(encoding="utf-8"))
        assert data["schema"] == "kata/shard/v1" and data["shard"] == f"{k}/2"
        assert [s["learner"] for s in data["submissions"]] == split[k]
        out = runs["outs"][f"shard{k}"]
        assert f"shard {k}/2: {len(split[k])} learners; wrote {folder / 'shard.json'}" in out
        for name in split[k]:
            assert f"{name}: {SCORES[name]}/15" in out
    ada = next(s for s in json.loads((runs["shard1"] / "shard.json").read_text())["submissions"]
               + json.loads((runs["shard2"] / "shard.json").read_text())["submissions"]
               if s["learner"] == "ada")
    assert ada["sources"]["katas/toy.py"] == CLASS["ada"]["katas/toy.py"]
    assert {k["slug"]: k["result"]["status"] for k in ada["katas"]} == {
        "toy": "passed", "toy2": "passed"}


def test_similarity_pairs_a_renamed_copy_and_never_untouched_stubs(runs) -> None:
    whole = runs["whole"]
    rows = csv_rows(whole / "similarity.csv")
    assert rows[0] == ["kata", "learner_a", "learner_b", "score"]
    pairs = {(r[0], r[1], r[2]): float(r[3]) for r in rows[1:]}
    assert pairs[("toy", "ada", "ben")] >= 0.75  # ben renamed every name of ada's solution
    # dee and eve handed in the untouched stubs, "empty" nothing: they pair with no one
    for a, b in (("dee", "eve"), ("dee", "empty"), ("eve", "empty")):
        assert not any({a, b} & {x, y} for _, x, y in pairs), pairs
    assert ("toy", "ada", "cy") not in pairs  # cy's own solution is not a copy
    scores = [float(r[3]) for r in rows[1:]]
    assert scores == sorted(scores, reverse=True)

    report = json.loads((whole / "class-report.json").read_text(encoding="utf-8"))
    above = report["similarity"]["pairs"]
    assert report["similarity"]["threshold"] == 0.75
    assert {"kata": "toy", "learner_a": "ada", "learner_b": "ben",
            "score": pairs[("toy", "ada", "ben")]} in above
    assert all(p["score"] >= 0.75 for p in above)
    md = (whole / "class-report.md").read_text(encoding="utf-8")
    assert "## Similar submissions (score ≥ 75%)" in md and "| toy | ada | ben |" in md

    # the HTML report shows the pair side by side, the copied code marked, everything escaped
    html = (whole / "class-report.html").read_text(encoding="utf-8")
    block = re.search(r'<details class="pair" open data-kata="toy" data-a="ada" data-b="ben".*?'
                      r"</details>", html, re.S)
    assert block, "the pair ada/ben is not shown"
    assert "ada: katas/toy.py" in block[0] and "ben: katas/toy.py" in block[0]
    assert block[0].count("<mark>") >= 2 and "def _validate" in block[0]
    assert "&#34;Hello&#34;" in block[0] or "&quot;Hello&quot;" in block[0]
    assert not re.search(r"\b(src|href)\s*=", html, re.IGNORECASE)
    assert f"{len(above)} pair" in html


def test_lms_files_carry_the_rosters_ids(runs) -> None:
    whole = runs["whole"]
    graded = [r for r in ROSTER if r["learner"] in SCORES]  # the roster's order; zoe is missing
    assert csv_rows(whole / "canvas.csv") == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Python katas"],
        *[[r["learner"], "", r["sis_id"], "", "", str(SCORES[r["learner"]])] for r in graded],
    ]
    assert csv_rows(whole / "moodle.csv") == [
        ["Email address", "Python katas"],
        *[[r["email"], str(SCORES[r["learner"]])] for r in graded],
    ]
    # the teacher is told who is in the roster but has no grade (on stderr)
    assert "note: not graded (no submission folder), left out of the LMS file: zoe" in (
        runs["outs"]["whole"])


def test_grade_all_writes_only_the_lms_files_asked_for(runs, tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "roster.csv", [
        {"learner": "ada", "repo": "r", "email": "ada@uni.example"},
        {"learner": "zed", "repo": "r", "email": "zed@uni.example"},
    ])
    subs = write_class(tmp_path / "subs", {"ada": CLASS["ada"], "fay": CLASS["fay"]})
    result = CliRunner().invoke(main, [
        "--repo", str(runs["repo"]), "grade-all", str(subs), "-o", str(tmp_path / "out"),
        "--roster", str(roster), "--lms", "moodle", "--assignment", "Katas (1234)",
        "--similarity-threshold", "0.5"])
    out = clean(result)
    assert result.exit_code == 0, out
    assert csv_rows(tmp_path / "out" / "moodle.csv") == [
        ["Email address", "Katas (1234)"], ["ada@uni.example", "15"]]
    assert not (tmp_path / "out" / "canvas.csv").exists()
    assert "left out of the LMS file: zed" in out
    assert "not in the roster, left out of the LMS file: fay" in out
    report = json.loads((tmp_path / "out" / "class-report.json").read_text(encoding="utf-8"))
    assert report["similarity"]["threshold"] == 0.5


# --- bad input: one line, exit 2, before anything is graded -------------------------------------


@pytest.mark.parametrize("value", ["0/2", "3/2", "x", "2", "1/x", "-1/2"])
def test_grade_all_with_a_bad_shard_is_one_line(value: str, kata, tmp_path: Path) -> None:
    write_class(tmp_path / "subs", {"ada": CLASS["ada"]})
    result = kata("grade-all", str(tmp_path / "subs"), "--shard", value, "-o", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert f"--shard {value!r}" in one_line_error(result)
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(("roster", "args", "message"), [
    (None, ["--lms", "canvas"], "--lms needs --roster ROSTER.csv"),
    ([{"learner": "ada", "repo": "r", "email": "a@x"}], ["--lms", "canvas"],
     "no sis_id for ada; canvas.csv matches learners by it"),
    ([{"learner": "ada", "repo": "r", "sis_id": "1"}], ["--lms", "moodle"],
     "no email for ada; moodle.csv matches learners by it"),
    ([{"learner": "ada", "repo": "r"}, {"learner": "ada", "repo": "s"}], [],
     "learner 'ada' appears twice"),
    ([{"learner": "ada", "email": "a@x"}], [], "no 'repo' column"),
    ([{"learner": "ada", "repo": "r"}], ["--shard", "1/2"],
     "--roster and --lms apply to the whole class: pass them to merge-grades"),
])
def test_grade_all_with_a_bad_roster_or_lms_is_one_line(
    roster, args: list[str], message: str, kata, tmp_path: Path
) -> None:
    write_class(tmp_path / "subs", {"ada": CLASS["ada"]})
    if roster is not None:
        args = ["--roster", str(write_roster(tmp_path / "roster.csv", roster)), *args]
    result = kata("grade-all", str(tmp_path / "subs"), "-o", str(tmp_path / "o"), *args)
    assert result.exit_code == 2
    assert message in one_line_error(result)
    assert not (tmp_path / "o").exists()


def fake_shard(repo: Path, out: Path, part: str, names: list[str]) -> Path:
    """A shard file as grade-all --shard writes it, without running anything (every kata passed)."""
    catalogue = load(repo)
    graded = []
    for name in names:
        grades = [KataGrade(k, runner.KataResult(k.slug, "passed", "", [
            runner.TestResult(f"tests/katas/test_{k.slug}.py::test_x", 1, "passed")]))
            for k in catalogue.katas]
        graded.append(gradeall.Submission(name, out, Gradebook(grades, True, []), {}))
    return shard.write(out, catalogue, Shard.parse(part), graded, {}).parent


def test_merge_grades_of_fake_shards_reports_them(kata, repo: Path, tmp_path: Path) -> None:
    one = fake_shard(repo, tmp_path / "one", "1/2", ["ann"])
    two = fake_shard(repo, tmp_path / "two", "2/2", ["bea", "cal"])
    write(one / "collect.csv", "learner,commit,commit_time,commits_after_deadline,error\n"
          "ann,abc,2026-12-01T00:00:00+00:00,0,\n")
    write(two / "collect.csv", "learner,commit,commit_time,commits_after_deadline,error\n"
          "cal,,,,unreachable\nbea,def,2026-12-01T00:00:00+00:00,1,\n")
    result = kata("merge-grades", str(tmp_path / "out"), str(one), str(two))
    out = clean(result)
    assert result.exit_code == 0, out
    assert [r[:2] for r in csv_rows(tmp_path / "out" / "grades.csv")[1:]] == [
        ["ann", "15"], ["bea", "15"], ["cal", "15"]]
    assert [r[0] for r in csv_rows(tmp_path / "out" / "collect.csv")] == [
        "learner", "ann", "bea", "cal"]
    assert f"wrote {tmp_path / 'out' / 'collect.csv'}" in out


@pytest.mark.parametrize(("shards", "message"), [
    ([("1/3", ["ann"]), ("2/3", ["bea"])], "missing shard 3/3: pass every shard's folder"),
    ([("1/2", ["ann"]), ("1/2", ["bea"])], "both hold shard 1/2"),
    ([("1/2", ["ann"]), ("2/2", ["ann"])], "learner 'ann' is in two shards"),
    ([("1/2", ["ann"]), ("1/3", ["bea"])], "the shards split the class differently"),
])
def test_merge_grades_refuses_shards_that_are_not_one_class(
    shards, message: str, kata, repo: Path, tmp_path: Path
) -> None:
    folders = [str(fake_shard(repo, tmp_path / f"s{i}", part, names))
               for i, (part, names) in enumerate(shards)]
    result = kata("merge-grades", str(tmp_path / "out"), *folders)
    assert result.exit_code == 2
    assert message in one_line_error(result)
    assert not (tmp_path / "out").exists()


def test_merge_grades_refuses_a_folder_without_a_shard_or_graded_with_other_tests(
    kata, repo: Path, tmp_path: Path
) -> None:
    (tmp_path / "empty").mkdir()
    result = kata("merge-grades", str(tmp_path / "out"), str(tmp_path / "empty"))
    assert result.exit_code == 2
    assert "holds no shard.json" in one_line_error(result)

    folder = fake_shard(repo, tmp_path / "s1", "1/1", ["ann"])
    write(repo / "tests" / "katas" / "test_toy.py",
          (repo / "tests" / "katas" / "test_toy.py").read_text() + "\n# changed\n")
    result = kata("merge-grades", str(tmp_path / "out"), str(folder))
    assert result.exit_code == 2
    assert "graded with other katas, tests or stubs" in one_line_error(result)

    digest = shard.catalogue_digest(load(repo))
    write(folder / "shard.json", json.dumps({"schema": "kata/shard/v1", "shard": "1/1",
                                             "catalogue": digest, "submissions": [{}]}))
    result = kata("merge-grades", str(tmp_path / "out"), str(folder))
    assert result.exit_code == 2
    assert "a malformed shard file" in one_line_error(result)
