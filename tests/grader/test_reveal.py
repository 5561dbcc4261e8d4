"""The reveal policy of a class release (issue 17), on each path that can reveal: Classroom50's
``release-body.md``, ``grade-all``'s ``feedback/<learner>.md`` and ``kata solution`` in a release.

Two learners take every path under every policy: alice passes toy and fails toy2, bob passes toy2
and forges toy (a correct solution that also registers a pytest hook: ``tampered``). Whatever the
policy, alice's toy2 and bob's toy reveal nothing; the kata each passed reveals its reference and
approaches exactly when the policy allows.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from gradecheck import CLASSROOM50, one_line_error
from test_release import make_teacher_repo, run_autograder
from test_sandbox import ATTACKS
from toyrepo import TOY2_SOLUTION, TOY2_STUB, TOY_SOLUTION, clean, write

from grader.catalogue import CatalogueError, Kata, Reveal, load
from grader.cli import main
from grader.running import runner
from grader.teaching.grading import Gradebook, KataGrade, feedback
from grader.teaching.release import record
from grader.teaching.reveal import section

pytestmark = pytest.mark.timeout(180)

POLICIES = {
    "after-pass": ["--reveal", "after-pass"],
    "after-deadline, past": ["--reveal", "after-deadline", "--deadline", "2000-01-01T00:00"],
    "after-deadline, to come": ["--reveal", "after-deadline",
                                "--deadline", "2999-01-01T00:00:00+01:00"],
    "never": ["--reveal", "never"],
}
POLICY_OF = {
    "after-pass": Reveal("after-pass"),
    "after-deadline, past": Reveal("after-deadline", datetime(2000, 1, 1, tzinfo=UTC)),
    "after-deadline, to come": Reveal("after-deadline",
                                      datetime.fromisoformat("2999-01-01T00:00:00+01:00")),
    "never": Reveal("never"),
}
REVEALS = {"after-pass": True, "after-deadline, past": True, "after-deadline, to come": False,
           "never": False}
# What only a kata's reference or approaches page holds (toyrepo.APPROACHES marks its pages).
SECRETS = {"toy": ["Toy kata: the reference solution.", 'return f"Hello, {name}!"',
                   "TOY-APPROACHES"],
           "toy2": ["Toy kata 2: the reference solution.", "return x / 2", "TOY2-APPROACHES"]}
FORGED_TOY = ATTACKS["hook-registered-through-config"][1] + "\n\n" + TOY_SOLUTION
LEARNERS = {
    "alice": {"toy": TOY_SOLUTION, "toy2": TOY2_STUB},
    "bob": {"toy": FORGED_TOY, "toy2": TOY2_SOLUTION},
}
PASSED = {"alice": "toy", "bob": "toy2"}  # the other kata failed (alice) or was tampered (bob)
NOT_PASSED = {"alice": "toy2", "bob": "toy"}
LATER = "appear here once the deadline, 2999-01-01 00:00 UTC+01:00, is past"


def kata(repo: Path, *args: str):
    return CliRunner().invoke(main, ["--repo", str(repo), "--no-color", *args])


def hand_in(folder: Path, learner: str) -> Path:
    for slug, text in LEARNERS[learner].items():
        write(folder / "katas" / f"{slug}.py", text)
    return folder


@dataclass
class Released:
    case: str
    teacher: Path
    template: Path
    bundle: Path


@pytest.fixture(scope="module", params=list(POLICIES))
def released(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Released:
    """One release per policy, shared by the module's tests. Do not modify."""
    base = tmp_path_factory.mktemp("reveal")
    teacher = make_teacher_repo(base / "teacher")
    result = kata(teacher, "release", str(base / "course"), *POLICIES[request.param])
    out = clean(result)
    assert result.exit_code == 0, out
    assert f"reveal: {request.param.split(',')[0]}" in out
    return Released(request.param, teacher, base / "course", base / "course-teacher")


def check_feedback(text: str, learner: str, case: str) -> None:
    """The learner's grade, then exactly what the policy reveals of the kata they passed, and
    nothing at all of the kata they failed or forged."""
    passed, other = PASSED[learner], NOT_PASSED[learner]
    assert text.startswith("## Your grade: "), text
    for secret in SECRETS[other]:
        assert secret not in text, (learner, case, secret, text)
    assert f"<b>{other}</b>" not in text
    for secret in SECRETS[passed]:
        assert (secret in text) is REVEALS[case], (learner, case, secret, text)
    assert (f"<details><summary><b>{passed}</b>: the reference solution and approaches"
            in text) is REVEALS[case]
    assert (LATER in text) is (case == "after-deadline, to come"), text
    if learner == "alice":  # the failing tests, next to the grade
        assert "double returns twice the number: NotImplementedError" in text
    else:
        assert "tampering: `toy`" in text


# --- the release ----------------------------------------------------------------------------------


def test_the_release_records_its_policy_and_only_the_bundle_holds_the_references(
        released: Released) -> None:
    expected = POLICY_OF[released.case]
    assert load(released.template).reveal == expected
    assert load(released.bundle).reveal == expected
    assert load(released.teacher).reveal == Reveal("after-pass")  # the repository's own: unchanged
    assert not (released.template / "solutions").exists()
    for path in released.template.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            for secret in [*SECRETS["toy"], *SECRETS["toy2"]]:
                assert secret not in text, (path, secret)
    shipped = {p.relative_to(released.bundle).as_posix()
               for p in (released.bundle / "solutions").rglob("*") if p.is_file()} \
        if (released.bundle / "solutions").exists() else set()
    if released.case == "never":
        assert shipped == set()
    else:
        assert shipped == {"solutions/toy.py", "solutions/toy.approaches.md",
                           "solutions/toy2.py", "solutions/toy2.approaches.md"}  # no mutants
        assert (released.bundle / "solutions" / "toy.py").read_text() == TOY_SOLUTION


# --- path 1: Classroom50's release-body.md --------------------------------------------------------


@pytest.mark.parametrize("learner", list(LEARNERS))
def test_release_body_reveals_as_the_policy_allows(released: Released, learner: str,
                                                   tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    shutil.copytree(released.template, checkout)
    hand_in(checkout, learner)
    proc = run_autograder(released.bundle, checkout)
    assert proc.returncode == 0, proc.stderr
    result = json.loads((checkout / "result.json").read_text(encoding="utf-8"))
    assert {t["test-name"]: t["passed"] for t in result["tests"]} == {
        PASSED[learner]: True, NOT_PASSED[learner]: False}
    check_feedback((checkout / "release-body.md").read_text(encoding="utf-8"), learner,
                   released.case)


def test_an_unsandboxed_grade_reveals_nothing(tmp_path: Path) -> None:
    """Without the sandbox a forged pass may go unnoticed: it must not buy the answer."""
    teacher = make_teacher_repo(tmp_path / "teacher")
    assert kata(teacher, "release", str(tmp_path / "course")).exit_code == 0
    checkout = hand_in(tmp_path / "checkout", "alice")
    proc = run_autograder(tmp_path / "course-teacher", checkout, KATA_NO_SANDBOX="1",
                          KATA_ALLOW_NO_SANDBOX="1")
    assert proc.returncode == 0, proc.stderr
    body = (checkout / "release-body.md").read_text(encoding="utf-8")
    assert "| ✅ `toy` | passed |" in body
    assert "The reference solutions are withheld: this grade ran without the sandbox." in body
    for secret in [*SECRETS["toy"], *SECRETS["toy2"]]:
        assert secret not in body


# --- path 2: grade-all's feedback files -----------------------------------------------------------


def test_grade_all_feedback_reveals_as_the_policy_allows(released: Released,
                                                         tmp_path: Path) -> None:
    """In the teacher's bundle, as grade-class.yml grades: the release's policy applies."""
    subs = tmp_path / "subs"
    for learner in LEARNERS:
        hand_in(subs / learner, learner)
    result = kata(released.bundle, "grade-all", str(subs), "-o", str(tmp_path / "report"))
    out = clean(result)
    assert result.exit_code == 0, out
    assert "alice: 5/15" in out and "bob: 10/15" in out
    assert f"wrote {tmp_path / 'report' / 'feedback'}" in out
    folder = tmp_path / "report" / "feedback"
    assert sorted(p.name for p in folder.iterdir()) == ["alice.md", "bob.md"]
    for learner in LEARNERS:
        check_feedback((folder / f"{learner}.md").read_text(encoding="utf-8"), learner,
                       released.case)


def test_grade_all_reveal_overrides_the_catalogue(tmp_path: Path) -> None:
    """From the teacher's own repository (reveal: after-pass by default), --reveal wins."""
    teacher = make_teacher_repo(tmp_path / "teacher")
    subs = tmp_path / "subs"
    for learner in LEARNERS:
        hand_in(subs / learner, learner)
    result = kata(teacher, "grade-all", str(subs), "-o", str(tmp_path / "report"),
                  *POLICIES["after-deadline, to come"])
    assert result.exit_code == 0, clean(result)
    for learner in LEARNERS:
        text = (tmp_path / "report" / "feedback" / f"{learner}.md").read_text(encoding="utf-8")
        check_feedback(text, learner, "after-deadline, to come")


# --- path 3: kata solution in a release -----------------------------------------------------------


WHERE = {
    "after-pass": "the reference and approaches of {slug} appear in your graded feedback "
                  "(Classroom50's release notes, or the feedback file your teacher sends) once it "
                  "passes",
    "after-deadline, past": "of {slug} appear in your graded feedback (Classroom50's release "
                            "notes, or the feedback file your teacher sends) once it passes and "
                            "the deadline, 2000-01-01 00:00 UTC, is past",
    "after-deadline, to come": "of {slug} appear in your graded feedback (Classroom50's release "
                               "notes, or the feedback file your teacher sends) once it passes "
                               "and the deadline, 2999-01-01 00:00 UTC+01:00, is past",
    "never": 'this release keeps the reference solutions with your teacher (reveal = "never"): '
             "the reference of {slug} is not shown",
}


@pytest.mark.timeout(120)
def test_kata_solution_in_a_release_says_where_the_reference_will_appear(
        released: Released, tmp_path: Path) -> None:
    learner = tmp_path / "learner"
    shutil.copytree(released.template, learner)
    write(learner / "katas" / "toy.py", TOY_SOLUTION)
    assert kata(learner, "check", "toy").exit_code == 0  # passed
    assert kata(learner, "check", "toy2").exit_code != 0  # failed
    # tampered: toy2's test edited until it passes; the learner's own check believes it
    write(learner / "tests" / "katas" / "test_toy2.py", "def test_double():\n    pass\n")
    write(learner / "katas" / "toy2.py", TOY2_STUB)
    assert kata(learner, "check", "toy2").exit_code == 0
    for slug in ("toy", "toy2"):
        result = kata(learner, "solution", slug)
        assert result.exit_code == 1
        line = one_line_error(result)
        assert WHERE[released.case].format(slug=slug) in line, line
        for secret in [*SECRETS["toy"], *SECRETS["toy2"]]:
            assert secret not in line


# --- the classroom50 format of `kata grade`, in the teacher's repository --------------------------


def test_kata_grade_classroom50_reveals_a_pass_in_the_teachers_repository(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    teacher = make_teacher_repo(tmp_path / "teacher")
    write(teacher / "katas" / "toy.py", TOY_SOLUTION)
    for name, value in CLASSROOM50.items():
        monkeypatch.setenv(name, value)
    result = kata(teacher, "grade", "--format", "classroom50", "-o", str(tmp_path / "r.json"))
    assert result.exit_code == 0, clean(result)
    body = (tmp_path / "release-body.md").read_text(encoding="utf-8")
    for secret in SECRETS["toy"]:
        assert secret in body
    for secret in SECRETS["toy2"]:
        assert secret not in body


# --- the rule itself, on a tampering only the integrity check sees -------------------------------


@pytest.mark.parametrize("case", list(POLICIES))
def test_a_kata_whose_tests_passed_but_were_tampered_with_reveals_nothing(
        case: str, repo: Path) -> None:
    """An edited test file (the manifest check's finding) leaves the run itself "passed"."""
    toy, toy2 = load(repo).katas

    def passed(slug: str) -> runner.KataResult:
        return runner.KataResult(slug, "passed", tests=[
            runner.TestResult(f"tests/katas/test_{slug}.py::test_x", 1, "passed")])

    book = Gradebook([KataGrade(toy, passed("toy"), ["tests/katas/test_toy.py: edited"]),
                      KataGrade(toy2, passed("toy2"))], True, [])
    text = feedback(book, repo, POLICY_OF[case])
    for secret in SECRETS["toy"]:
        assert secret not in text, (case, text)
    for secret in SECRETS["toy2"]:
        assert (secret in text) is REVEALS[case], (case, text)


# --- bad input: one line, exit 2, nothing written -------------------------------------------------


BAD = [
    (["--reveal", "sometimes"], "--reveal 'sometimes': must be one of after-pass, after-deadline, "
                                "never"),
    (["--reveal", "after-deadline"], '--reveal "after-deadline" needs a deadline: --deadline'),
    (["--reveal", "after-deadline", "--deadline", "tomorrow"],
     "--deadline 'tomorrow': not an ISO 8601 date and time"),
    (["--reveal", "after-deadline", "--deadline", "2026-13-01T00:00"],
     "--deadline '2026-13-01T00:00': not an ISO 8601 date and time"),
    (["--deadline", "2026-12-01T23:59"], "--deadline applies only to --reveal after-deadline, "
                                         "not 'after-pass'"),
    (["--reveal", "never", "--deadline", "2026-12-01T23:59"],
     "--deadline applies only to --reveal after-deadline, not 'never'"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_a_bad_policy_or_deadline_for_release_is_one_line(args: list[str], message: str,
                                                          tmp_path: Path) -> None:
    teacher = make_teacher_repo(tmp_path / "teacher")
    result = kata(teacher, "release", str(tmp_path / "course"), *args)
    assert result.exit_code == 2
    assert message in one_line_error(result)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["teacher"]


@pytest.mark.parametrize(("args", "message"), [
    *BAD[:3],
    (["--shard", "1/2", "--reveal", "never"],
     "--reveal and --deadline apply to the feedback files: pass them to merge-grades"),
])
def test_a_bad_policy_or_deadline_for_grade_all_is_one_line(args: list[str], message: str,
                                                            tmp_path: Path) -> None:
    teacher = make_teacher_repo(tmp_path / "teacher")
    hand_in(tmp_path / "subs" / "alice", "alice")
    result = kata(teacher, "grade-all", str(tmp_path / "subs"), "-o", str(tmp_path / "o"), *args)
    assert result.exit_code == 2
    assert message in one_line_error(result)
    assert not (tmp_path / "o").exists()


# --- katas.toml -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("lines", "expected"), [
    ([], Reveal("after-pass")),
    (['reveal = "never"'], Reveal("never")),
    (['reveal = "after-deadline"', "deadline = 2026-12-01T23:59:00+01:00"],
     Reveal("after-deadline", datetime.fromisoformat("2026-12-01T23:59:00+01:00"))),
    (['reveal = "after-deadline"', "deadline = 2026-12-01T23:59:00"],  # a local time is UTC
     Reveal("after-deadline", datetime(2026, 12, 1, 23, 59, tzinfo=UTC))),
    (['reveal = "after-deadline"', 'deadline = "2026-12-01"'],
     Reveal("after-deadline", datetime(2026, 12, 1, tzinfo=UTC))),
    (['reveal = "after-deadline"', "deadline = 2026-12-01"],
     Reveal("after-deadline", datetime(2026, 12, 1, tzinfo=UTC))),
    (['reveal = "after-pass"', "deadline = 2026-12-01T23:59:00Z"], Reveal("after-pass")),
])
def test_katas_toml_sets_the_policy(lines: list[str], expected: Reveal, repo: Path) -> None:
    path = repo / "katas.toml"
    path.write_text("\n".join(lines) + "\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert load(repo).reveal == expected


@pytest.mark.parametrize(("lines", "message"), [
    (['reveal = "sometimes"'], "reveal 'sometimes': must be one of after-pass, after-deadline"),
    (['reveal = "after-deadline"'], 'reveal "after-deadline" needs a deadline'),
    (['reveal = "after-deadline"', 'deadline = "soon"'],
     "deadline 'soon': not an ISO 8601 date and time"),
    (['reveal = "after-deadline"', "deadline = 12"], "deadline 12: not an ISO 8601"),
])
def test_a_bad_policy_in_katas_toml_is_one_line(lines: list[str], message: str, repo: Path,
                                                kata) -> None:
    path = repo / "katas.toml"
    path.write_text("\n".join(lines) + "\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        load(repo)
    assert str(info.value).startswith(f"{path}: {message}"), info.value
    result = kata("list")
    assert result.exit_code == 1
    assert message in one_line_error(result)


def test_record_replaces_the_policy_and_keeps_everything_else() -> None:
    text = ('# the catalogue\n\n# locked levels\ngated = false\nreveal = "never"\n'
            "deadline = 2000-01-01T00:00:00Z\n\n# limits\n[limits]\nwall_clock = 4\n"
            '\n[[kata]]\nslug = "toy"\nreveal = "kept: not a top-level key"\n')
    moment = datetime.fromisoformat("2026-12-01T23:59:00+01:00")
    assert record(text, Reveal("after-deadline", moment)) == (
        '# the catalogue\n\n# locked levels\ngated = false\nreveal = "after-deadline"\n'
        "deadline = 2026-12-01T23:59:00+01:00\n\n# limits\n[limits]\nwall_clock = 4\n\n"
        '[[kata]]\nslug = "toy"\nreveal = "kept: not a top-level key"\n'
    )
    note = "# Written by `kata release`: when a passed kata's reference reaches its learner.\n"
    assert record("# locked levels\ngated = false\n\n[limits]\n", Reveal("never")) == (
        f'# locked levels\ngated = false\n\n{note}reveal = "never"\n\n[limits]\n')
    assert record("[limits]\n", Reveal()) == f'{note}reveal = "after-pass"\n\n[limits]\n'
    for text in ("", "# comments only\n"):
        assert tomllib.loads(record(text, Reveal("never"))) == {"reveal": "never"}


def test_reveal_allows_from_the_deadline_on() -> None:
    deadline = datetime(2026, 12, 1, 22, 59, tzinfo=UTC)
    policy = Reveal("after-deadline", deadline)
    assert not policy.allows(datetime(2026, 12, 1, 22, 58, 59, tzinfo=UTC))
    assert policy.allows(deadline)
    assert Reveal("after-pass").allows(datetime(2000, 1, 1, tzinfo=UTC))
    assert not Reveal("never").allows(datetime(2999, 1, 1, tzinfo=UTC))


def test_a_package_katas_reference_is_each_learner_file_with_its_own_fence(tmp_path: Path) -> None:
    kata = Kata("pkg", "beginner", "A package", "?", 1,
                ("katas/pkg/__init__.py", "katas/pkg/templates/index.html", "katas/pkg/Dockerfile"))
    write(tmp_path / "solutions" / "pkg" / "__init__.py", 'DOC = """```python\nx\n```"""\n')
    write(tmp_path / "solutions" / "pkg" / "templates" / "index.html", "<p>PKG-HTML</p>\n")
    write(tmp_path / "solutions" / "pkg" / "other.py", "never shown: not a learner file\n")
    write(tmp_path / "solutions" / "pkg.approaches.md", "# pkg: other approaches\n")
    assert kata.reference(tmp_path) == [  # the Dockerfile has no reference here: left out
        "solutions/pkg/__init__.py", "solutions/pkg/templates/index.html",
        "solutions/pkg.approaches.md"]
    text = "\n".join(section(tmp_path, kata))
    assert '````python\nDOC = """```python\nx\n```"""\n````' in text  # no fence inside closes it
    assert "`solutions/pkg/templates/index.html`\n\n```html\n<p>PKG-HTML</p>\n```" in text
    assert "never shown" not in text
    assert text.endswith("# pkg: other approaches\n\n</details>\n")
