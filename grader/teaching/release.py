"""``kata release DIR``: the learner's template and, beside it, the teacher's bundle.

The template holds everything a learner needs and nothing they must not see (no solutions, no
mutants, no teacher-only files), plus the integrity manifest, pinned constraints and the GitHub
Actions workflow; its ``katas.toml`` records the release's reveal policy. The bundle holds the
Classroom50 ``autograder.py`` with the pristine tests and grader it uses and, unless the policy is
"never", each kata's reference solution and approaches page (``solutions/``, never the mutants),
which the learners' feedback reveals after a pass. Then the release is proved: the template grades
to zero, holds no solution code and records the policy.
"""

from __future__ import annotations

import ast
import re
import shutil
import sys
from importlib import metadata
from pathlib import Path

from grader.catalogue import CATALOGUE, Catalogue, Reveal, load
from grader.errors import KataError
from grader.learning.progress import stamp
from grader.teaching import integrity

TEMPLATES = Path(__file__).parent / "templates"
SHARED = ("katas.toml", "pyproject.toml", "constraints.txt")  # in both template and bundle
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".kata")


class ReleaseError(KataError):
    pass


def step_id(slug: str) -> str:
    """The reporter's `runners:` take letters and digits only."""
    return re.sub(r"[^A-Za-z0-9]", "", slug)


def constraints() -> str:
    """Pin the kata package's whole dependency closure (with its teacher extra, which grading a
    class needs) to the versions installed here."""
    from packaging.requirements import Requirement

    pins: dict[str, str] = {}
    todo = ["kata"]
    while todo:
        name = todo.pop()
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        key = dist.metadata["Name"].lower().replace("_", "-")
        if key in pins:
            continue
        pins[key] = dist.version
        extras = ("", "teacher") if key == "kata" else ("",)
        for spec in dist.requires or []:
            req = Requirement(spec)
            if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in extras):
                todo.append(req.name)
    pins.pop("kata", None)
    lines = [f"{name}=={version}" for name, version in sorted(pins.items())]
    return (
        "# Pinned so that a library release in mid-term cannot change grades.\n"
        + "\n".join(lines)
        + "\n"
    )


def workflow(catalogue: Catalogue) -> str:
    ids = [step_id(k.slug) for k in catalogue.katas]
    if len(set(ids)) != len(ids):
        raise ReleaseError("two slugs give the same workflow step id; rename one of them")
    python = python_version()
    steps = "".join(
        f"""
      - name: {k.slug}
        id: {step_id(k.slug)}
        uses: classroom-resources/autograding-command-grader@v1
        with:
          test-name: {k.slug}
          command: kata grade {k.slug} --strict
          timeout: {max(1, int(k.limits.wall_clock // 60) + 2)}
          max-score: {k.points}
"""
        for k in catalogue.katas
    )
    env = "".join(
        f"          {step_id(k.slug).upper()}_RESULTS: "
        f'"${{{{steps.{step_id(k.slug)}.outputs.result}}}}"\n'
        for k in catalogue.katas
    )
    return f"""# Grades every push, the way GitHub Classroom assignments were graded:
# one command-grader step per kata (all or nothing, worth the kata's points),
# then the reporter, whose "Points X/Y" equals `kata grade`'s score. Written by `kata release`.
name: Autograding Tests
on: [push, workflow_dispatch, repository_dispatch]
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    steps:
      - name: Checkout code
        uses: actions/checkout@v6
      - name: Set up Python
        uses: actions/setup-python@v6
        with:
          python-version: "{python}"
      - name: Install
        run: python -m pip install -c constraints.txt -e .
      - name: Sandbox for the learner's code (bubblewrap)
        run: |
          sudo apt-get update -qq && sudo apt-get install -y -qq bubblewrap
          # Ubuntu 24.04 lets only AppArmor-profiled programs create user namespaces
          sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 || true
{steps}
      - name: Grade summary
        if: always()
        run: kata grade --format markdown >> "$GITHUB_STEP_SUMMARY" || true
      - name: Autograding Reporter
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
{env}        with:
          runners: {",".join(ids)}
"""


def python_version() -> str:
    """The workflows run the Python that released them (constraints.txt pins its libraries)."""
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def class_workflow() -> str:
    """grade-class.yml: collect, grade in shards and merge a whole class on GitHub Actions."""
    text = (TEMPLATES / "grade-class.yml").read_text(encoding="utf-8")
    return text.replace("{python}", python_version())


def _copy_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, ignore=IGNORE, dirs_exist_ok=True)


def _prepare(folder: Path, force: bool) -> Path | None:
    """Refuse a non-empty folder without --force; with it, move the old one aside, never delete."""
    if folder.exists() and not folder.is_dir():
        raise ReleaseError(f"{folder} exists and is not a folder")
    if folder.exists() and any(folder.iterdir()):
        if not force:
            raise ReleaseError(
                f"{folder} is not empty; pass --force to replace it "
                "(the old one is kept as a backup)"
            )
        backup = folder.with_name(f"{folder.name}.backup-{stamp()}")
        folder.rename(backup)
        return backup
    return None


def record(text: str, reveal: Reveal) -> str:
    """``katas.toml`` with the release's ``reveal`` (and ``deadline``) as its top-level keys: in
    place of those it had, else after its other top-level keys (comments and tables untouched)."""
    lines = text.splitlines()
    header = next((i for i, line in enumerate(lines) if line.lstrip().startswith("[")), len(lines))
    keys = [f'reveal = "{reveal.policy}"']
    if reveal.deadline is not None:
        keys.append(f"deadline = {reveal.deadline.isoformat()}")  # a TOML offset date-time
    ours = re.compile(r"\s*(reveal|deadline)\s*=")
    old = [i for i, line in enumerate(lines[:header]) if ours.match(line)]
    top = [line for i, line in enumerate(lines[:header]) if i not in old]
    if old:
        at = old[0]
    else:
        assigned = [i for i, line in enumerate(top) if re.match(r"\s*[\w\"'-]+\s*=", line)]
        at = assigned[-1] + 1 if assigned else 0
        note = "# Written by `kata release`: when a passed kata's reference reaches its learner."
        keys = ["", note, *keys] if at else [note, *keys, ""]
    return "\n".join([*top[:at], *keys, *top[at:], *lines[header:]]) + "\n"


def write_template(catalogue: Catalogue, out: Path, reveal: Reveal) -> None:
    root = catalogue.root
    (out / "katas").mkdir(parents=True, exist_ok=True)
    _copy_tree(root / "tests" / "katas", out / "tests" / "katas")
    _copy_tree(root / "tests" / "stubs", out / "tests" / "stubs")
    _copy_tree(root / "tests" / "stubs", out / "katas")  # learners start from the pristine stubs
    for kata in catalogue.katas:
        shutil.copy2(root / kata.readme, out / kata.readme)
        (out / kata.hints_file).parent.mkdir(exist_ok=True)  # the catalogue loads its ladders
        shutil.copy2(root / kata.hints_file, out / kata.hints_file)
    # the grader running now: the teacher's
    _copy_tree(Path(__file__).parent.parent, out / "grader")
    for name in ("pyproject.toml", ".gitignore"):
        if (root / name).is_file():  # release() checked the required ones
            shutil.copy2(root / name, out / name)
    text = (root / CATALOGUE).read_text(encoding="utf-8")
    (out / CATALOGUE).write_text(record(text, reveal), encoding="utf-8")
    (out / "constraints.txt").write_text(constraints(), encoding="utf-8")
    (out / ".github" / "workflows").mkdir(parents=True)
    (out / ".github" / "workflows" / "classroom.yml").write_text(
        workflow(catalogue), encoding="utf-8"
    )
    if (root / ".devcontainer").is_dir():  # the same dev container as the full repository
        _copy_tree(root / ".devcontainer", out / ".devcontainer")
    shutil.copy2(TEMPLATES / "learner-README.md", out / "README.md")
    integrity.write(out)


def write_bundle(catalogue: Catalogue, template: Path, bundle: Path, reveal: Reveal) -> None:
    """The teacher's bundle: autograder.py plus the pristine tests and grader it grades with, and
    what a pass may reveal (never the mutants; nothing with the policy "never")."""
    bundle.mkdir(parents=True, exist_ok=True)
    if reveal.policy != "never":
        for kata in catalogue.katas:
            for rel in kata.reference(catalogue.root):
                (bundle / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(catalogue.root / rel, bundle / rel)
    for name in ("tests", "grader", "hints"):
        _copy_tree(template / name, bundle / name)
    for name in (*SHARED, integrity.MANIFEST):
        shutil.copy2(template / name, bundle / name)
    shutil.copy2(TEMPLATES / "autograder.py", bundle / "autograder.py")
    (bundle / ".github" / "workflows").mkdir(parents=True, exist_ok=True)
    (bundle / ".github" / "workflows" / "grade-class.yml").write_text(
        class_workflow(), encoding="utf-8"
    )


def solution_bodies(root: Path) -> set[str]:
    """The bodies of the reference solutions' non-trivial functions, normalised."""
    bodies = set()
    for path in sorted((root / "solutions").rglob("*.py")):
        if "mutants" in path.relative_to(root / "solutions").parts:
            continue
        bodies |= _bodies(path, minimum=3)
    return bodies


def _bodies(path: Path, minimum: int = 1) -> set[str]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return set()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            body = [
                s
                for s in node.body
                if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
            ]
            if sum(isinstance(n, ast.stmt) for s in body for n in ast.walk(s)) >= minimum:
                found.add(ast.unparse(ast.Module(body=body, type_ignores=[])))
    return found


def prove(catalogue: Catalogue, out: Path, reveal: Reveal) -> list[str]:
    """The release's self-check; returns the problems found (none means proved)."""
    from grader.teaching.grading import grade

    problems = []
    for banned in ("solutions", "benchmarks", "AUTHORING.md", "noxfile.py", ".ci"):
        if (out / banned).exists():
            problems.append(f"{banned} must not be in the release")
    if list(out.rglob("mutants")):
        problems.append("mutants must not be in the release")
    secret = solution_bodies(catalogue.root)
    for path in sorted(out.rglob("*.py")):
        leaked = _bodies(path) & secret
        if leaked:
            problems.append(f"{path.relative_to(out)} holds reference solution code")
    template = load(out)
    if template.reveal != reveal:
        problems.append(f"the template's {CATALOGUE} says reveal {template.reveal}, not {reveal}")
    book = grade(template, list(template.katas))
    if book.score != 0:
        problems.append(f"the template grades to {book.score}, not 0")
    if book.tampered:
        problems.append("the template's own manifest does not match its files")
    return problems


def release(
    catalogue: Catalogue, out: Path, force: bool = False, reveal: Reveal | None = None
) -> tuple[Path, Path, list[str]]:
    reveal = catalogue.reveal if reveal is None else reveal
    out = out.resolve()
    if out == catalogue.root or catalogue.root in out.parents:
        raise ReleaseError(f"{out} is inside the repository; release to a folder outside it")
    if not (catalogue.root / "pyproject.toml").is_file():
        raise ReleaseError(
            f"no pyproject.toml in {catalogue.root}: learners install the "
            "template with `pip install -e .`, so the release needs it"
        )
    bundle = out.with_name(f"{out.name}-teacher")
    backups = [b for b in (_prepare(out, force), _prepare(bundle, force)) if b]
    write_template(catalogue, out, reveal)
    write_bundle(catalogue, out, bundle, reveal)
    notes = [f"the previous {b.name.split('.backup-')[0]} was kept as {b}" for b in backups]
    problems = prove(catalogue, out, reveal)
    shutil.rmtree(out / ".kata", ignore_errors=True)  # the self-check's cache is not for learners
    if problems:
        raise ReleaseError("the release failed its self-check: " + "; ".join(problems))
    return out, bundle, notes
