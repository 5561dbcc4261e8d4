"""The author gate: prove every kata sound.

For each kata: every test fails on the pristine stub, every test passes on the reference solution,
every mutant is rejected by at least one failing test (and imports, or it proves nothing), the
README and question are there, every test's task is a task of the README, each task's hint ladder
starts with the concept in words (never code) and never repeats a rung, and the slug shadows no
installed package. (The catalogue loader has already checked that every task has a ladder of at
least two rungs.)
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from grader.catalogue import Catalogue, Kata
from grader.running.runner import KataResult, Worker, WorkerPool, judge, run_kata

MIN_MUTANTS = 3


@dataclass
class Verdict:
    slug: str
    hints: str = ""  # e.g. "5 tasks, 12 rungs"
    stub: str = ""  # e.g. "14/14 fail"
    solution: str = ""
    mutants: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def mutants(root: Path, kata: Kata) -> list[Path]:
    folder = root / kata.mutants_dir
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if (p.suffix == ".py" or p.is_dir()) and not p.name.startswith(("_", "."))
    )


def mutant_mistake(path: Path) -> str:
    """The first line of the mutant's docstring: the mistake it makes, in plain words."""
    for source in [path] if path.is_file() else sorted(path.rglob("*.py")):
        try:
            doc = ast.get_docstring(ast.parse(source.read_text(encoding="utf-8")))
        except (OSError, SyntaxError):
            continue
        if doc:
            return doc.strip().splitlines()[0]
    return ""


def build_mutant(root: Path, kata: Kata, mutant: Path, into: Path) -> Path:
    """Lay the mutant over a copy of the solution, which stays importable as _reference."""
    solution = root / kata.solution_path
    into.mkdir(parents=True)
    if kata.is_package:
        shutil.copytree(solution, into / kata.slug)
        shutil.copytree(solution, into / "_reference")
        shutil.copytree(mutant, into / kata.slug, dirs_exist_ok=True)
    else:
        shutil.copy2(solution, into / "_reference.py")
        shutil.copy2(mutant, into / f"{kata.slug}.py")
    return into


def run_stub(root: Path, kata: Kata, worker: Worker) -> tuple[KataResult, dict]:
    """Run the suite on the pristine stub; what it collects is the expected set of tests."""
    outcome = worker.run(kata, "stubs")
    collected = next((r for r in outcome.records if r.get("event") == "collected"), {})
    expected = {"tests": collected.get("tests", []), "suite": collected.get("suite")}
    return judge(kata.slug, outcome.records, expected, outcome), expected


def check_stub(root: Path, kata: Kata, verdict: Verdict, worker: Worker) -> dict | None:
    problems = verdict.problems
    problems.extend(static_problems(root, kata))
    problems.extend(ladder_problems(kata))
    verdict.hints = f"{len(kata.tasks)} tasks, {sum(len(t.hints) for t in kata.tasks)} rungs"
    found = mutants(root, kata)
    if not (root / kata.solution_path).exists():
        problems.append(f"no reference solution at {kata.solution_path}")
    if len(found) < MIN_MUTANTS:
        problems.append(
            f"{len(found)} mutants in {kata.mutants_dir}/, at least {MIN_MUTANTS} needed"
        )
    stub, expected = run_stub(root, kata, worker)
    if not expected["tests"]:
        problems.append(f"the suite collects no tests on the stub ({stub.cause or stub.status})")
        return None
    tasks = {t.number for t in kata.tasks}
    for test in expected["tests"]:
        if test.get("task") is None:
            problems.append(f"{short(test['name'])} has no @pytest.mark.task(n)")
        elif test["task"] not in tasks:
            problems.append(
                f"{short(test['name'])} is marked task {test['task']}, "
                f"which {kata.readme} has no '## Task {test['task']}' for"
            )
    problems.extend(automatic_ids(root, kata, expected["tests"]))
    passing = [t for t in stub.tests if t.status == "passed"]
    verdict.stub = f"{len(stub.tests) - len(passing)}/{len(stub.tests)} fail"
    problems.extend(f"{short(t.name)} passes on the stub: it grades nothing" for t in passing)
    return expected


def automatic_ids(root: Path, kata: Kata, expected: list[dict]) -> list[str]:
    """Tests whose parametrize id is pytest's fallback, which tells the learner nothing: an
    argument name and a number (``config0``, ``kwargs3``), ``<lambda>``, or an empty part."""
    try:
        tree = ast.parse((root / kata.test_file).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return []
    arguments = parametrized_arguments(tree)
    problems = []
    for test in expected:
        name = short(test["name"])
        function, bracket, params = name.partition("[")
        if not bracket:
            continue
        names = arguments.get(function, [])
        parts = params.removesuffix("]").split("-")
        # A value may hold "-" itself ("-1", "max-age"): an empty part means an empty id only
        # when the parts are exactly one per argument.
        empty = params == "]" or ("" in parts and len(parts) == len(names))
        made_up = next((p for p in parts if "<lambda>" in p or any(
            p[:i] in names and p[i:].isdigit() for i in range(1, len(p)))), None)
        if made_up is not None or empty:
            problems.append(
                f"{name}: {made_up if made_up is not None else ''!r} is an id pytest made up; "
                "name each case with ids=[...] or pytest.param(..., id=...)")
    return problems


def parametrized_arguments(tree: ast.Module) -> dict[str, list[str]]:
    """Each test function's parametrized arguments, in id order: the argnames of its
    ``@pytest.mark.parametrize`` decorators, then the parametrized fixtures it asks for."""
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    fixtures = {
        f.name for f in functions for d in f.decorator_list
        if isinstance(d, ast.Call) and any(k.arg == "params" for k in d.keywords)
    }
    found = {}
    for function in functions:
        names = []
        for decorator in reversed(function.decorator_list):  # the nearest one is applied first
            if not (isinstance(decorator, ast.Call) and decorator.args
                    and isinstance(decorator.func, ast.Attribute)
                    and decorator.func.attr == "parametrize"):
                continue
            first = decorator.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names += [n.strip() for n in first.value.split(",") if n.strip()]
            elif isinstance(first, ast.Tuple | ast.List):
                names += [e.value for e in first.elts if isinstance(e, ast.Constant)]
        arguments = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
        found[function.name] = names + [a for a in arguments if a in fixtures]
    return found


def judge_solution(verdict: Verdict, solved: KataResult) -> None:
    verdict.solution = f"{solved.tests_passed}/{len(solved.tests)} pass"
    if not solved.passed:
        verdict.problems.append(
            f"the solution is {solved.status}" + (f" ({solved.cause})" if solved.cause else "")
        )
    verdict.problems.extend(
        f"{short(t.name)} {t.status} on the solution: {t.message}"
        for t in solved.tests
        if t.status != "passed"
    )


def judge_mutants(verdict: Verdict, results: list[tuple[Path, KataResult]]) -> None:
    rejected = 0
    for mutant, result in results:
        name = f"mutant {mutant.stem!r} ({mutant_mistake(mutant) or 'no docstring'})"
        if result.passed:
            verdict.problems.append(f"{name} passes every test: the suite misses this mistake")
        elif result.status == "error":
            verdict.problems.append(
                f"{name} does not even import ({result.cause}): it proves nothing"
            )
        else:
            rejected += 1
    verdict.mutants = f"{rejected}/{len(results)} rejected"


def static_problems(root: Path, kata: Kata) -> list[str]:
    problems = []
    readme = root / kata.readme
    if not readme.is_file():
        return [f"no README at {kata.readme}"]
    text = readme.read_text(encoding="utf-8")
    problems.extend(f"{kata.readme} {p}" for p in readme_ending_problems(text, kata.slug))
    if _plain(kata.question) not in _plain(text):
        problems.append(f"{kata.readme} does not quote the catalogue's question")
    if shadows_installed(kata.slug):
        problems.append(f"the slug {kata.slug!r} shadows an installed package or module")
    return problems


# After the tasks: the run line, then optionally "## Going further", then "## Sources" (last).
ENDING = ("Going further", "Sources")
MIN_SOURCES = 2


def readme_ending_problems(text: str, slug: str) -> list[str]:
    """The end of a README: ``Run `kata check <slug>`.`` as the last line before ``## Going
    further`` (optional) and ``## Sources`` (required, last, at least two https:// links)."""
    run_line = f"Run `kata check {slug}`."
    lines, headings, fenced = text.splitlines(), [], False
    for number, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and line.startswith("## "):
            headings.append((number, line[3:].strip()))
    cut = next((n for n, title in headings if title in ENDING), len(lines))
    before = [line.strip() for line in lines[:cut] if line.strip()]
    tail = [title for n, title in headings if n >= cut]
    problems = []
    if not before or before[-1] != run_line:
        where = f"'## {tail[0]}'" if tail else "the end"
        problems.append(f"must have the line {run_line} last before {where}")
    if "Sources" not in tail:
        problems.append(f"must end with a '## Sources' section (at least {MIN_SOURCES} https:// "
                        "links)")
    elif tail not in (["Sources"], ["Going further", "Sources"]):
        problems.append(f"may have only '## Going further' and then '## Sources' after {run_line}"
                        f" (found {', '.join(f'## {t}' for t in tail)})")
    else:
        sources = "\n".join(lines[headings[-1][0] + 1 :])
        links = len(set(re.findall(r"https://[^\s)>\]]+", sources)))
        if links < MIN_SOURCES:
            problems.append(f"has {links} https:// link(s) under '## Sources'; "
                            f"at least {MIN_SOURCES} needed")
    return problems


# Code in a hint (hints/README.md: the first rung is the concept, in words): a code span or
# fence holding more than a name, a call `name(...)`, an assignment or comparison, a decorator.
CODE = re.compile(
    r"```|`[^`]*(?:[()=:\[\]{};]|->|\s[-+*/%<>]\s|\b(?:def|return|lambda|import|await)\b)[^`]*`"
    r"|\b[A-Za-z_][\w.]*\([^()]*\)|\b\w+ ?(?:[=!<>+-]=|=) ?\w|(?<![\w@])@[A-Za-z_][\w.]*"
)


def ladder_problems(kata: Kata) -> list[str]:
    problems = []
    for task in kata.tasks:
        where = f"{kata.hints_file}: task {task.number}"
        code = CODE.search(task.hints[0])
        if code:
            problems.append(
                f"{where}: the first rung shows code ({code.group(0)!r}); "
                "it is the concept, in words"
            )
        for i, rung in enumerate(task.hints[1:], 2):
            if rung in task.hints[: i - 1]:
                problems.append(f"{where}: rung {i} repeats an earlier rung")
    return problems


def _plain(text: str) -> str:
    return " ".join(text.replace("`", "").replace("*", "").split()).lower()


def shadows_installed(slug: str) -> bool:
    try:
        return importlib.util.find_spec(slug) is not None
    except (ImportError, ValueError):
        return False


def short(nodeid: str) -> str:
    return nodeid.rpartition("::")[2]


def verify(catalogue: Catalogue, katas: list[Kata], jobs: int | None = None) -> list[Verdict]:
    """Two phases over all katas at once, all cores busy: the stubs (which fix each kata's
    expected tests), then every solution and mutant."""
    root = catalogue.root
    size = jobs or os.cpu_count() or 1
    verdicts = {k.slug: Verdict(k.slug) for k in katas}
    # The workers close first on the way out, so that Ctrl-C ends the runs at once instead of
    # the thread pool waiting out their wall clocks.
    with tempfile.TemporaryDirectory(prefix="kata-mutants-") as tmp:
        sources = [root / "tests" / "stubs", root / "solutions", Path(tmp)]
        with (
            ThreadPoolExecutor(size) as pool,
            WorkerPool(root, katas, size, sources, [root / "tests"]) as workers,
        ):
            return _verify(root, katas, verdicts, Path(tmp), pool, workers)


def _verify(
    root: Path,
    katas: list[Kata],
    verdicts: dict[str, Verdict],
    tmp: Path,
    pool: ThreadPoolExecutor,
    workers: WorkerPool,
) -> list[Verdict]:
    def stub(kata: Kata) -> dict | None:
        with workers.worker() as worker:
            return check_stub(root, kata, verdicts[kata.slug], worker)

    expected = dict(zip([k.slug for k in katas], pool.map(stub, katas), strict=True))
    runs: list[tuple[Kata, Path | None, str]] = []  # (kata, mutant or None, tree)
    for kata in katas:
        if not expected[kata.slug] or not (root / kata.solution_path).exists():
            continue
        runs.append((kata, None, "solutions"))
        for mutant in mutants(root, kata):
            tree = build_mutant(root, kata, mutant, tmp / kata.slug / mutant.stem)
            runs.append((kata, mutant, str(tree)))

    def run(job: tuple[Kata, Path | None, str]) -> KataResult:
        kata, mutant, tree = job
        with workers.worker() as worker:
            # a mutant is rejected by its first failing test: the rest need not run
            return run_kata(
                root, kata, tree, expected[kata.slug], worker=worker, exitfirst=mutant is not None
            )

    results = list(pool.map(run, runs))
    for kata in katas:
        mine = [(m, r) for (k, m, _), r in zip(runs, results, strict=True) if k is kata]
        for mutant, result in mine:
            if mutant is None:
                judge_solution(verdicts[kata.slug], result)
        judge_mutants(verdicts[kata.slug], [(m, r) for m, r in mine if m is not None])
    return list(verdicts.values())
