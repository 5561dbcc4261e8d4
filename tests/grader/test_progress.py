"""The progress store (corrupt files, atomic writes), the learner's workspace and the report."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from toyrepo import clean

from grader import catalogue
from grader.errors import KataError
from grader.learning import progress, report, workspace
from grader.learning.progress import Progress


def progress_file(root: Path) -> Path:
    return root / ".kata" / "progress.json"


def saved(root: Path, **katas: dict) -> Path:
    prog = Progress.load(root)
    prog.data["katas"].update(katas)
    prog.data["current"] = "toy"
    prog.save()
    return progress_file(root)


# --- a corrupt file is set aside, reported in one line, and the command goes on -------------------


@pytest.mark.parametrize(("content", "why"), [
    (b"{not json", "corrupt"),
    (b"[1, 2, 3]", "corrupt"),
    (b'{"version": 1, "katas": []}', "corrupt"),
    (b'{"version": 1, "katas": {"toy": []}}', "corrupt"),
    (b'{"version": 1, "current": 5, "katas": {}}', "corrupt"),
    (b'{"version": 1, "katas": {"toy": {"hints_shown": "two"}}}', "corrupt"),
    (b'{"version": 2, "katas": {"toy": {"hints": {"one": 1}}}}', "corrupt"),
    (b'{"version": 2, "katas": {"toy": {"hints": {"1": true}}}}', "corrupt"),
    (b'{"version": 2, "katas": {"toy": {"failing_tasks": "1"}}}', "corrupt"),
    (b"\xff\xfe\x00garbage", "unreadable (UnicodeDecodeError)"),
])
def test_a_corrupt_progress_file_is_moved_aside(kata, repo: Path, content: bytes, why: str) -> None:
    path = progress_file(repo)
    path.parent.mkdir()
    path.write_bytes(content)
    result = kata("hint", "toy")
    out = clean(result)
    assert result.exit_code == 0, out
    warning = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warning) == 1, result.stderr
    assert re.fullmatch(rf"warning: progress\.json was {re.escape(why)}; moved to "
                        r"\.kata/progress\.\d{8}T\d+Z\.corrupt, starting a fresh record",
                        warning[0]), warning[0]
    aside = list(path.parent.glob("progress.*.corrupt"))
    assert [p.read_bytes() for p in aside] == [content]
    assert "Hint 1/3: Adding is the arithmetic you already know." in out
    fresh = json.loads(path.read_text())
    assert fresh["current"] == "toy" and fresh["version"] == 2
    assert fresh["katas"]["toy"]["hints"] == {"1": 1}


def test_progress_that_is_a_folder_is_moved_aside(kata, repo: Path) -> None:
    progress_file(repo).mkdir(parents=True)
    result = kata("progress")
    assert result.exit_code == 0, clean(result)
    assert "progress.json was unreadable (IsADirectoryError)" in result.stderr
    assert "Overall" in result.stdout


def test_a_good_progress_file_gives_no_warning(kata, repo: Path) -> None:
    saved(repo)
    result = kata("progress")
    assert result.exit_code == 0
    assert result.stderr == ""


# --- atomic writes: a crash mid-write leaves the old file whole ----------------------------------


def test_a_crash_inside_json_dump_keeps_the_old_file(repo: Path, monkeypatch) -> None:
    path = saved(repo, toy={"hints_shown": 2})
    before = path.read_bytes()

    def power_cut(data, out, **kwargs):
        out.write('{"version": 1, "katas": {"to')
        raise RuntimeError("power cut")

    monkeypatch.setattr(json, "dump", power_cut)
    prog = Progress.load(repo)
    prog.show_rung("toy", 1, 3)
    with pytest.raises(RuntimeError, match="power cut"):
        prog.save()
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["progress.json"]  # no temp file left


def test_a_failed_rename_keeps_the_old_file_and_says_so(repo: Path, monkeypatch) -> None:
    path = saved(repo, toy={"hints_shown": 2})
    before = path.read_bytes()

    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    prog = Progress.load(repo)
    prog.start("toy2")
    with pytest.raises(KataError, match=r"cannot save progress to .*No space left on device"):
        prog.save()
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["progress.json"]


def test_write_json_atomic_round_trip(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "state.json"
    progress.write_json_atomic(target, {"b": 1, "a": [1, 2]})
    progress.write_json_atomic(target, {"c": 3})
    assert json.loads(target.read_text()) == {"c": 3}
    assert [p.name for p in target.parent.iterdir()] == ["state.json"]


# --- the progress record -------------------------------------------------------------------------


def test_statuses(repo: Path) -> None:
    prog = Progress.load(repo)
    assert prog.status("toy") == "not started"
    prog.start("toy")
    assert prog.status("toy") == "in progress" and prog.current == "toy"
    prog.record("toy", "failed", 1, 3)
    assert prog.status("toy") == "failing" and not prog.has_passed("toy")
    prog.record("toy", "passed", 3, 3)
    assert prog.status("toy") == "passed" and prog.has_passed("toy")
    prog.record("toy", "failed", 2, 3)
    assert prog.has_passed("toy")  # passing once is remembered
    prog.save()
    again = Progress.load(repo)
    assert again.data == prog.data and again.warning is None


def test_rungs_stop_at_the_last_one_and_count_per_task(repo: Path) -> None:
    prog = Progress.load(repo)
    assert [prog.show_rung("toy", 2, 3) for _ in range(5)] == [1, 2, 3, 3, 3]
    prog.show_rung("toy", 10, 2)
    assert prog.hints_used("toy") == {2: 3, 10: 1}
    assert prog.rungs_shown("toy", 1) == 0


def test_a_pass_is_kept_with_its_time_when_a_later_check_fails(repo: Path) -> None:
    prog = Progress.load(repo)
    prog.record("toy", "passed", 3, 3, [])
    when = prog.passed_when("toy")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", when), when
    prog.record("toy", "failed", 1, 3, [2, 1])
    assert prog.status("toy") == "passed before" and prog.has_passed("toy")
    assert prog.passed_when("toy") == when and prog.failing_tasks("toy") == [1, 2]
    prog.record("toy", "passed", 3, 3, [])
    assert prog.status("toy") == "passed" and prog.failing_tasks("toy") == []


# --- a progress file written before the hint ladders (version 1) ----------------------------------

VERSION_1 = {
    "version": 1, "current": "toy2",
    "katas": {
        "toy": {"started": "2026-11-20T09:00:00+00:00", "last_status": "failed",
                "tests_passed": 1, "tests_total": 3, "last_run": "2026-11-21T10:00:00+00:00",
                "passed": True, "hints_shown": 3},
        "toy2": {"started": "2026-11-22T09:00:00+00:00", "last_status": "passed",
                 "tests_passed": 2, "tests_total": 2, "last_run": "2026-11-22T10:30:00+00:00",
                 "passed": True, "hints_shown": 1},
    },
}


def test_a_version_1_file_keeps_its_hint_counts_and_passes(kata, repo: Path) -> None:
    """The old single list of hints is gone: its counts stay as hints used, and every ladder
    starts at its first rung; a pass keeps its points, and its time where the file knew it."""
    path = progress_file(repo)
    path.parent.mkdir()
    path.write_text(json.dumps(VERSION_1))
    result = kata("progress")
    out = clean(result)
    assert result.exit_code == 0 and result.stderr == "", out + result.stderr
    assert "Overall      [####################] 2/2  15/15 points" in out
    assert "toy: passed before, failing now (`kata check toy`)" in out
    assert "Hints shown: 4\n  toy   3 from the old single list\n" \
           "  toy2  1 from the old single list\n" in out, out
    listing = clean(kata("list"))
    assert re.search(r"^   toy   passed before\s+5 pts  Toy: add and greet$", listing,
                     re.MULTILINE), listing
    assert re.search(r"^ \* toy2  passed\s+10 pts", listing, re.MULTILINE), listing
    hint = clean(kata("hint", "toy"))
    assert "Hint 1/3: Adding is the arithmetic you already know." in hint
    data = json.loads(path.read_text())
    assert data["version"] == 2
    assert data["katas"]["toy"]["hints_before_ladders"] == 3
    assert data["katas"]["toy"]["hints"] == {"1": 1} and "hints_shown" not in data["katas"]["toy"]
    assert data["katas"]["toy2"]["passed_at"] == "2026-11-22T10:30:00+00:00"
    assert "Hints shown: 5\n  toy   task 1 1/3, 3 from the old single list\n" \
           in clean(kata("progress"))


# --- the workspace -----------------------------------------------------------------------------


def test_restore_missing_never_touches_existing_files(repo: Path) -> None:
    kata = catalogue.load(repo).get("toy")
    mine = repo / "katas" / "toy.py"
    mine.write_text("# mine\n")
    assert workspace.restore_missing(repo, kata) == []
    assert mine.read_text() == "# mine\n"
    mine.unlink()
    assert workspace.restore_missing(repo, kata) == ["katas/toy.py"]
    assert mine.read_text() == (repo / "tests" / "stubs" / "toy.py").read_text()


def test_reset_backs_up_before_restoring(repo: Path) -> None:
    kata = catalogue.load(repo).get("toy")
    (repo / "katas" / "toy.py").write_text("# an hour of work\n")
    folder = workspace.reset(repo, kata)
    assert folder is not None and folder.parent == repo / ".kata" / "backups"
    assert (folder / "katas" / "toy.py").read_text() == "# an hour of work\n"
    assert (repo / "katas" / "toy.py").read_text() == (repo / "tests/stubs/toy.py").read_text()


def test_reset_refuses_a_folder_where_the_file_should_be(kata, repo: Path) -> None:
    (repo / "katas" / "toy.py").unlink()
    (repo / "katas" / "toy.py").mkdir()
    result = kata("reset", "toy")
    assert result.exit_code == 1
    assert "Error: katas/toy.py is a folder, but kata 'toy' expects a file there" in clean(result)


# --- the report ---------------------------------------------------------------------------------


def test_bars_and_colours() -> None:
    assert report.bar(0, 2) == "[--------------------]"
    assert report.bar(1, 2) == "[##########----------]"
    assert report.bar(0, 0) == "[--------------------]"
    assert report.Painter(False)("x", "green") == "x"
    assert report.Painter(True)("x", "green") == "\x1b[32mx\x1b[0m"
    assert report.Painter(False).mark(True) == "PASS"


def test_render_levels_counts_points_per_level(repo: Path) -> None:
    cat = catalogue.load(repo)
    prog = Progress.load(repo)
    prog.record("toy2", "passed", 2, 2, [])
    text = report.render_levels(cat, prog, report.Painter(False))
    assert text.splitlines() == [
        "Beginner     [--------------------] 0/1  0/5 points",
        "Intermediate [####################] 1/1  10/10 points",
        "Overall      [##########----------] 1/2  10/15 points",
    ]
    assert report.next_kata(cat, prog).slug == "toy"
    prog.start("toy2")
    assert report.next_kata(cat, prog).slug == "toy"  # wraps round: toy2 is the last
