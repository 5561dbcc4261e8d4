"""`kata collect ROSTER.csv DEST` on local bare git repositories (no network): the deadline, a
late commit, an unreachable repository, updates, timeouts, shards and bad input."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from classbuild import commit, learner_repo, write_roster
from click.testing import CliRunner
from gradecheck import one_line_error
from toyrepo import TOY_SOLUTION, TOY_STUB, clean, write

from grader.cli import main
from grader.teaching.shard import Shard

pytestmark = pytest.mark.timeout(60)
DEADLINE = "2026-12-01T23:59:00+01:00"  # 22:59 UTC
PARTIAL = TOY_STUB.replace('    raise NotImplementedError("Task 1: add")', "    return a + b")


def kata(*args: str):
    return CliRunner().invoke(main, ["--no-color", *args])


def rows_of(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["learner", "commit", "commit_time", "commits_after_deadline", "error"]
    return {row["learner"]: row for row in rows}


@pytest.fixture
def remotes(tmp_path: Path) -> dict[str, Path]:
    base = tmp_path / "git"
    return {
        # finished before the deadline
        "alice": learner_repo(base, "alice", [
            ("2026-11-30T10:00:00+00:00", {"katas/toy.py": TOY_STUB}),
            ("2026-12-01T22:00:00+00:00", {"katas/toy.py": TOY_SOLUTION}),
        ]),
        # a partial solution in time, the rest after the deadline (once by a minute)
        "bob": learner_repo(base, "bob", [
            ("2026-12-01T10:00:00+00:00", {"katas/toy.py": PARTIAL}),
            ("2026-12-01T23:00:00+00:00", {"katas/toy.py": TOY_SOLUTION}),
            ("2026-12-02T09:00:00+00:00", {"notes.txt": "done\n"}),
        ]),
    }


def test_collect_takes_the_last_commit_before_the_deadline_and_reports_the_rest(
    remotes: dict[str, Path], tmp_path: Path
) -> None:
    roster = write_roster(tmp_path / "roster.csv", [
        {"learner": "alice", "repo": str(remotes["alice"]), "email": "a@example.org"},
        {"learner": "bob", "repo": remotes["bob"].as_uri()},  # a file:// URL works too
        {"learner": "carol", "repo": str(tmp_path / "nowhere.git")},
    ])
    dest = tmp_path / "subs"
    result = kata("collect", str(roster), str(dest), "--before", DEADLINE)
    out = clean(result)
    assert result.exit_code == 0, out

    rows = rows_of(dest / "collect.csv")
    assert list(rows) == ["alice", "bob", "carol"]  # the roster's order
    alice, bob, carol = rows["alice"], rows["bob"], rows["carol"]
    assert alice["commit_time"] == "2026-12-01T22:00:00+00:00"
    assert (alice["commits_after_deadline"], alice["error"]) == ("0", "")
    assert bob["commit_time"] == "2026-12-01T10:00:00+00:00"
    assert (bob["commits_after_deadline"], bob["error"]) == ("2", "")
    assert carol["commit"] == "" and "nowhere.git" in carol["error"]
    # the work trees hold exactly the chosen commits
    assert (dest / "alice" / "katas" / "toy.py").read_text() == TOY_SOLUTION
    assert (dest / "bob" / "katas" / "toy.py").read_text() == PARTIAL
    assert not (dest / "bob" / "notes.txt").exists()
    assert len(alice["commit"]) == 40 and alice["commit"] != bob["commit"]
    # the unreachable repository is one line; its learner still has a (empty) folder
    assert f"alice: {alice['commit'][:12]} (2026-12-01T22:00:00+00:00)" in out
    assert "bob: " in out and "2 commits after the deadline" in out
    assert f"carol: error: {carol['error']}" in out
    assert "collected 2/3" in out
    assert (dest / "carol").is_dir() and not any((dest / "carol").iterdir())

    # grade-all over DEST: carol, who handed in nothing, is graded zero rather than skipped
    repo = tmp_path / "repo"
    from toyrepo import build_repo

    build_repo(repo)
    result = kata("--repo", str(repo), "grade-all", str(dest), "-o", str(tmp_path / "report"))
    out = clean(result)
    assert result.exit_code == 0, out
    assert "alice: 5/15" in out and "bob: 0/15" in out and "carol: 0/15" in out
    with (tmp_path / "report" / "grades.csv").open(encoding="utf-8") as handle:
        assert [r["learner"] for r in csv.DictReader(handle)] == ["alice", "bob", "carol"]


def test_collect_updates_a_clone_and_empties_it_when_no_commit_is_in_time(
    remotes: dict[str, Path], tmp_path: Path
) -> None:
    roster = write_roster(tmp_path / "roster.csv",
                          [{"learner": "alice", "repo": str(remotes["alice"])}])
    dest = tmp_path / "subs"
    assert kata("collect", str(roster), str(dest)).exit_code == 0
    # the learner pushes again; without a deadline collect takes the newest commit
    newest = commit(tmp_path / "git" / "work" / "alice", "2026-12-03T08:00:00+00:00",
                    {"katas/toy.py": TOY_STUB + "# again\n"}, push=True)
    result = kata("collect", str(roster), str(dest))
    assert result.exit_code == 0, clean(result)
    row = rows_of(dest / "collect.csv")["alice"]
    assert (row["commit"], row["commits_after_deadline"], row["error"]) == (newest, "", "")
    assert (dest / "alice" / "katas" / "toy.py").read_text().endswith("# again\n")

    # a deadline before every commit: nothing to grade, and the old work tree is gone
    result = kata("collect", str(roster), str(dest), "--before", "2026-01-01T00:00:00Z")
    assert result.exit_code == 0, clean(result)
    row = rows_of(dest / "collect.csv")["alice"]
    assert row["commit"] == "" and row["commits_after_deadline"] == "3"
    assert row["error"] == "no commit at or before 2026-01-01T00:00:00+00:00"
    assert not (dest / "alice" / "katas").exists()


def test_collect_leaves_a_folder_that_is_not_its_clone_alone(remotes, tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "roster.csv", [
        {"learner": "alice", "repo": str(remotes["alice"])},
        {"learner": "bob", "repo": str(remotes["bob"])},
    ])
    dest = tmp_path / "subs"
    write(dest / "alice" / "katas" / "toy.py", "# the teacher's own copy\n")
    assert kata("collect", str(roster), str(dest)).exit_code == 0
    # bob's clone now claims to be a clone of another repository
    roster = write_roster(tmp_path / "roster.csv", [
        {"learner": "alice", "repo": str(remotes["alice"])},
        {"learner": "bob", "repo": str(remotes["alice"])},
    ])
    result = kata("collect", str(roster), str(dest))
    assert result.exit_code == 0, clean(result)
    rows = rows_of(dest / "collect.csv")
    assert "exists and is not a git clone; move it away" in rows["alice"]["error"]
    assert (dest / "alice" / "katas" / "toy.py").read_text() == "# the teacher's own copy\n"
    assert f"is a clone of {remotes['bob']}, not of {remotes['alice']}" in rows["bob"]["error"]


def test_collect_gives_up_on_a_repository_after_its_timeout(tmp_path: Path, monkeypatch) -> None:
    # git's ext:: transport runs a command as the "remote": one that never answers
    for key, value in {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "protocol.ext.allow",
                       "GIT_CONFIG_VALUE_0": "always"}.items():
        monkeypatch.setenv(key, value)
    roster = write_roster(tmp_path / "roster.csv",
                          [{"learner": "slow", "repo": "ext::sleep 30"}])
    result = kata("collect", str(roster), str(tmp_path / "subs"), "--timeout", "1")
    out = clean(result)
    assert result.exit_code == 0, out
    assert rows_of(tmp_path / "subs" / "collect.csv")["slow"]["error"] == "timed out after 1 s"
    assert "slow: error: timed out after 1 s" in out


def test_collect_shards_split_the_roster_between_them(remotes, tmp_path: Path) -> None:
    names = [f"learner{i}" for i in range(8)]
    roster = write_roster(tmp_path / "roster.csv",
                          [{"learner": n, "repo": str(remotes["alice"])} for n in names])
    seen = []
    for k in (1, 2):
        dest = tmp_path / f"shard{k}"
        result = kata("collect", str(roster), str(dest), "--shard", f"{k}/2")
        assert result.exit_code == 0, clean(result)
        got = list(rows_of(dest / "collect.csv"))
        assert got == [n for n in names if n in Shard(k, 2)] and got
        assert sorted(p.name for p in dest.iterdir() if p.is_dir()) == got
        seen += got
    assert sorted(seen) == names


ROSTER_PROBLEMS = {
    "learner,email\nalice,a@example.org\n": "no 'repo' column",
    "name,repo\nalice,/r.git\n": "no 'learner' column",
    "learner,repo\nalice,/a.git\nbob,/b.git\nalice,/c.git\n":
        "line 4: learner 'alice' appears twice (first on line 2)",
    "learner,repo\n../up,/a.git\n": "learner '../up' is not a plain folder name",
    "learner,repo\n.hidden,/a.git\n": "must not start with '.' or '_'",
    "learner,repo\nalice,\n": "line 2: no repo for 'alice'",
    "learner,repo\n": "lists no learners",
    "": "is empty",
}


@pytest.mark.parametrize("text", ROSTER_PROBLEMS)
def test_a_bad_roster_is_one_line_and_exit_2(text: str, tmp_path: Path) -> None:
    roster = write(tmp_path / "roster.csv", text)
    result = kata("collect", str(roster), str(tmp_path / "subs"))
    assert result.exit_code == 2
    assert ROSTER_PROBLEMS[text] in one_line_error(result)
    assert not (tmp_path / "subs").exists()  # nothing was cloned


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--before", "tomorrow", "not an ISO 8601 date and time"),
    ("--before", "2026-13-01T00:00", "not an ISO 8601 date and time"),
    ("--shard", "0/2", "K must be between 1 and N"),
    ("--shard", "3/2", "K must be between 1 and N"),
    ("--shard", "x", "expected K/N"),
    ("--shard", "1/0", "K must be between 1 and N"),
])
def test_a_bad_deadline_or_shard_is_one_line_and_exit_2(
    option: str, value: str, message: str, tmp_path: Path
) -> None:
    roster = write_roster(tmp_path / "roster.csv", [{"learner": "a", "repo": "/a.git"}])
    result = kata("collect", str(roster), str(tmp_path / "subs"), option, value)
    assert result.exit_code == 2
    assert message in one_line_error(result)
    assert not (tmp_path / "subs").exists()
