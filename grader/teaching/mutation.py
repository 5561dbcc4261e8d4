"""The mutation gate, ``kata verify --mutation``: does the suite notice a small change?

Mechanical mutants of each reference solution (one change each: an operator, a constant, a
negated condition, a removed statement, ``return None``, a dropped keyword argument, an emptied
f-string) run against the kata's suite on the warm workers, each stopping at its first failing
test. Score = killed / (mutants - equivalent); timeouts and crashes count as killed.

Generation is ours, on ``ast``: each mutant is one span of the solution's text replaced, so the
rest of the file keeps its lines. A mutant's id is derived from its file, enclosing function,
kind and the source text it changes (plus an occurrence number), never from its position, so
that an unrelated edit of the solution keeps the ids in ``_equivalent.toml`` valid.
"""

from __future__ import annotations

import ast
import hashlib
import os
import random
import tempfile
import tomllib
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path

import grader
from grader.catalogue import Catalogue, Kata
from grader.running.runner import KataResult, WorkerPool, expected_tests, fingerprint, run_kata
from grader.teaching.verify import build_mutant

THRESHOLD = 0.95  # the lowest score a kata may have
SAMPLE = 0  # mutants per kata when there are more (0: run them all); same seed, same sample
SEED = 13
EQUIVALENT = "_equivalent.toml"  # in solutions/mutants/<slug>/; "_" keeps it out of `verify`
RECORD = "_mutation.toml"  # the last measured score, with the fingerprint of what it depends on
# A mutant may be slower than the solution but not by this much: past it, it counts as a hang.
WALL_FACTOR, WALL_FLOOR = 10.0, 20.0
# What a score depends on besides the kata's own files (globs in the grader package): the code
# that makes the mutants and the code that runs and judges them.
GRADER_SOURCES = ("teaching/mutation.py", "running/*.py")

ARITHMETIC: dict[type, type] = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div, ast.Mod: ast.Div, ast.Pow: ast.Mult, ast.LShift: ast.RShift,
    ast.RShift: ast.LShift, ast.BitOr: ast.BitAnd, ast.BitAnd: ast.BitOr, ast.BitXor: ast.BitAnd,
}
COMPARISON: dict[type, type] = {
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE,
    ast.GtE: ast.Gt, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}
SKIPPED_FIELDS = {"annotation", "returns", "type_comment", "type_params"}


@dataclass(frozen=True)
class Mutant:
    id: str
    file: str  # relative to solutions/: "decorators.py", "blueprints/admin.py"
    line: int
    kind: str  # operator, constant, negate, remove, return, keyword, fstring
    old: str  # the source text changed, and what replaces it, for the one-line diff
    new: str
    start: int  # character offsets of the replaced span in the file
    end: int
    replacement: str

    def apply(self, text: str) -> str:
        return text[: self.start] + self.replacement + text[self.end :]

    @property
    def diff(self) -> str:
        return f"{self.file}:{self.line}  {_one_line(self.old)} -> {_one_line(self.new)}"


def _one_line(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Generator:
    """Walks one file's syntax tree and yields every mutant of it, in source order."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.text = text
        self.tree = ast.parse(text)
        starts, offset = [], 0
        # ast counts lines at "\n" only (str.splitlines would also split at "\f", "\u2028"...)
        self.lines = [f"{line}\n" for line in text.split("\n")]
        for line in self.lines:
            starts.append(offset)
            offset += len(line)
        self.starts = starts
        self.scope: list[str] = []
        self.docstrings = {
            id(node.body[0])
            for node in ast.walk(self.tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
            and isinstance(node.body[0].value.value, str)
        }
        self.skip_constants: set[int] = set()

    def offset(self, line: int, col: int) -> int:
        """ast columns count UTF-8 bytes; the text is indexed by characters."""
        return self.starts[line - 1] + len(self.lines[line - 1].encode()[:col].decode())

    def span(self, first: ast.AST, last: ast.AST | None = None) -> tuple[int, int]:
        last = last or first
        return (self.offset(first.lineno, first.col_offset),
                self.offset(last.end_lineno, last.end_col_offset))

    def segment(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self.text[start:end]

    def mutant(self, node: ast.AST, kind: str, label: str, replacement: str, *, old: str = "",
               new: str = "", span: tuple[int, int] | None = None, expression: bool = True,
               line: int = 0):
        start, end = span or self.span(node)
        source = self.text[start:end]
        return {
            "key": f"{kind}\0{' '.join(self.segment(node).split())}\0{label}",
            "scope": ".".join(self.scope) or "<module>",
            "kind": kind,
            "line": line or node.lineno,
            "old": old or source,
            "new": new or replacement,
            "start": start,
            "end": end,
            "replacement": f"({replacement})" if expression else replacement,
        }

    def visit(self, node: ast.AST) -> Iterator[dict]:
        if isinstance(node, ast.If) and _is_main_guard(node.test):
            return  # never runs under the suite, or only for type checkers
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return
        if id(node) in self.docstrings:
            return
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            # The wording of an exception's message is the author's own; no README fixes it.
            self.skip_constants.update(id(a) for a in node.exc.args if _is_text(a))
        if id(node) in self.skip_constants and isinstance(node, ast.JoinedStr):
            return
        yield from self.mutants_of(node)
        if isinstance(node, ast.JoinedStr):
            return  # the parts of an f-string have no reliable positions before 3.12
        named = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        if named:
            self.scope.append(node.name)
        for name, value in ast.iter_fields(node):
            if name in SKIPPED_FIELDS:
                continue
            for child in value if isinstance(value, list) else [value]:
                if isinstance(child, ast.arg):
                    continue  # parameter names and their annotations
                if isinstance(child, ast.AST):
                    yield from self.visit(child)
        if named:
            self.scope.pop()

    def mutants_of(self, node: ast.AST) -> Iterator[dict]:
        unparse = ast.unparse
        if isinstance(node, ast.BinOp) and type(node.op) in ARITHMETIC and not _is_text_op(node):
            swapped = ARITHMETIC[type(node.op)]
            new = ast.BinOp(node.left, swapped(), node.right)
            yield self.mutant(node, "operator", f"{type(node.op).__name__}->{swapped.__name__}",
                              unparse(new))
        elif isinstance(node, ast.AugAssign) and type(node.op) in ARITHMETIC:
            swapped = ARITHMETIC[type(node.op)]
            new = ast.AugAssign(node.target, swapped(), node.value)
            yield self.mutant(node, "operator", f"{type(node.op).__name__}->{swapped.__name__}",
                              unparse(new), expression=False)
        elif isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                swapped = COMPARISON[type(op)]
                ops = [*node.ops[:i], swapped(), *node.ops[i + 1 :]]
                new = ast.Compare(node.left, ops, node.comparators)
                yield self.mutant(node, "operator", f"{i}:{type(op).__name__}->{swapped.__name__}",
                                  unparse(new))
            if any(isinstance(op, ast.Is | ast.IsNot) for op in node.ops):
                self.skip_constants.update(id(c) for c in (node.left, *node.comparators))
        elif isinstance(node, ast.BoolOp):
            other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
            yield self.mutant(node, "operator", type(other).__name__,
                              unparse(ast.BoolOp(other, node.values)))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield self.mutant(node, "negate", "drop-not", unparse(node.operand))
        elif isinstance(node, ast.Constant) and id(node) not in self.skip_constants:
            yield from self.constant(node)
        elif isinstance(node, ast.JoinedStr) and node.values:
            yield self.mutant(node, "fstring", "empty", '""', expression=False)
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg is None:
                    continue  # **kwargs
                kept = [k for k in node.keywords if k is not keyword]
                new = ast.Call(node.func, node.args, kept)
                yield self.mutant(node, "keyword", f"drop {keyword.arg}", unparse(new),
                                  old=self.segment(keyword), new="(removed)")
        elif isinstance(node, ast.If | ast.While | ast.IfExp | ast.Assert):
            test = node.test
            if not (isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)):
                yield self.mutant(test, "negate", "not", f"not ({self.segment(test)})")
            if isinstance(node, ast.If) and not _is_pass(node.body):
                span = self.span(node.body[0], node.body[-1])
                yield self.mutant(node, "remove", "if-body", "pass", span=span,
                                  old=self.text[span[0]:span[1]], expression=False,
                                  line=node.body[0].lineno)
        elif isinstance(node, ast.comprehension):
            for test in node.ifs:
                if not (isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)):
                    yield self.mutant(test, "negate", "not", f"not ({self.segment(test)})")
        elif isinstance(node, ast.Expr) and isinstance(
            node.value.value if isinstance(node.value, ast.Await) else node.value, ast.Call
        ):
            yield self.mutant(node, "remove", "call", "pass", expression=False)
        elif (isinstance(node, ast.Return) and node.value is not None
              and not (isinstance(node.value, ast.Constant) and node.value.value is None)):
            yield self.mutant(node, "return", "None", "return None", expression=False)

    def constant(self, node: ast.Constant) -> Iterator[dict]:
        value = node.value
        if isinstance(value, bool):
            yield self.mutant(node, "constant", "not", repr(not value))
        elif isinstance(value, int | float):
            yield self.mutant(node, "constant", "+1", repr(value + 1))
            yield self.mutant(node, "constant", "-1", repr(value - 1))
        elif isinstance(value, str | bytes) and value:
            yield self.mutant(node, "constant", "empty", repr(type(value)()))
        elif value is None:
            yield self.mutant(node, "constant", "None", '""')


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str | bytes))


def _is_text_op(node: ast.BinOp) -> bool:
    """String concatenation or %-formatting: swapping its operator only raises TypeError."""
    return isinstance(node.op, ast.Add | ast.Mod) and (_is_text(node.left) or _is_text(node.right))


def _is_main_guard(test: ast.expr) -> bool:
    source = ast.unparse(test)
    return source in {"__name__ == '__main__'", "TYPE_CHECKING", "typing.TYPE_CHECKING"}


def _is_pass(body: list[ast.stmt]) -> bool:
    return len(body) == 1 and isinstance(body[0], ast.Pass)


def generate_file(file: str, text: str) -> list[Mutant]:
    """Every mutant of one file, in source order, each compiling, none a duplicate."""
    generator = _Generator(file, text)
    seen: set[tuple[int, int, str]] = set()
    occurrences: dict[str, int] = {}
    found = []
    for raw in generator.visit(generator.tree):
        where = (raw["start"], raw["end"], raw["replacement"])
        if where in seen:
            continue
        seen.add(where)
        digest = hashlib.sha1(raw["key"].encode()).hexdigest()[:8]
        base = f"{file}:{raw['scope']}:{raw['kind']}:{digest}"
        occurrences[base] = occurrences.get(base, 0) + 1
        count = occurrences[base]
        mutant = Mutant(
            id=base if count == 1 else f"{base}#{count}",
            file=file,
            line=raw["line"],
            kind=raw["kind"],
            old=raw["old"],
            new=raw["new"],
            start=raw["start"],
            end=raw["end"],
            replacement=raw["replacement"],
        )
        mutated = mutant.apply(text)
        if mutated == text:
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                compile(mutated, file, "exec")
        except (SyntaxError, ValueError):
            continue
        found.append(mutant)
    return found


def solution_files(root: Path, kata: Kata) -> dict[str, str]:
    """The solution's modules, keyed by their path relative to ``solutions/``."""
    path = root / kata.solution_path
    files = sorted(path.rglob("*.py")) if kata.is_package else [path]
    return {
        str(f.relative_to(path.parent)): f.read_text(encoding="utf-8")
        for f in files
        if "__pycache__" not in f.parts
    }


def generate(root: Path, kata: Kata) -> list[Mutant]:
    return [m for file, text in solution_files(root, kata).items()
            for m in generate_file(file, text)]


def sample(mutants: list[Mutant], size: int, keep: set[str] = frozenset()) -> list[Mutant]:
    """``size`` mutants spread evenly over the solution (one from each equal slice, chosen with a
    fixed seed), plus those in ``keep``; all of them when there are no more than ``size``."""
    if not size or len(mutants) <= size:
        return mutants
    rng = random.Random(SEED)
    n = len(mutants)
    chosen = {rng.choice(mutants[i * n // size : (i + 1) * n // size]).id for i in range(size)}
    return [m for m in mutants if m.id in chosen or m.id in keep]


def equivalents(root: Path, kata: Kata) -> tuple[dict[str, str], list[str]]:
    """The checked-in equivalent mutants ``{id: reason}``, and what is wrong with the file."""
    path = root / kata.mutants_dir / EQUIVALENT
    if not path.is_file():
        return {}, []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, [f"{kata.mutants_dir}/{EQUIVALENT}: cannot read it ({exc})"]
    listed, problems = {}, []
    for key, reason in data.items():
        if not isinstance(reason, str) or not reason.strip():
            problems.append(f"{kata.mutants_dir}/{EQUIVALENT}: {key!r} has no reason; "
                            "say in one line why no test can tell it from the solution")
        else:
            listed[key] = reason.strip()
    return listed, problems


@dataclass
class Score:
    slug: str
    generated: int = 0  # every mutant of the solution
    mutants: int = 0  # those run
    killed: int = 0
    equivalent: int = 0
    survivors: list[Mutant] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    recorded: bool = False  # taken from the checked-in record, not run now
    seconds: float = 0.0  # the mutants' runs, added up

    @property
    def score(self) -> float:
        judged = self.mutants - self.equivalent
        return self.killed / judged if judged else 1.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def judge(self) -> None:
        if self.score < THRESHOLD and not self.recorded:
            self.problems.append(
                f"scores {self.score:.1%}, under {THRESHOLD:.0%}: kill its survivors, or list "
                f"those no test can catch in {EQUIVALENT} with the reason")


def kata_fingerprint(root: Path, kata: Kata) -> str:
    """Everything the score depends on: solution, suite, stub, the suites' shared helpers, the
    equivalents file, the limits, and the grader code that generates and runs the mutants."""
    support = sorted(p.relative_to(root) for p in (root / "tests" / "katas").glob("*.py")
                     if not p.name.startswith("test_"))
    files = [Path("solutions") / f for f in solution_files(root, kata)]
    extra = (*files, *support, Path(kata.mutants_dir) / EQUIVALENT)
    digest = hashlib.sha256(fingerprint(root, kata, extra).encode())
    digest.update(repr((kata.limits, SAMPLE, SEED, THRESHOLD)).encode())
    package = Path(grader.__file__).parent
    for path in sorted(p for pattern in GRADER_SOURCES for p in package.glob(pattern)):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def read_record(root: Path, kata: Kata) -> dict:
    try:
        return tomllib.loads((root / kata.mutants_dir / RECORD).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def write_record(root: Path, kata: Kata, score: Score, key: str) -> None:
    path = root / kata.mutants_dir / RECORD
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "# Written by `kata verify --mutation --record`; CI re-runs the kata when the\n"
        "# fingerprint of what the score depends on no longer matches.\n"
        f'fingerprint = "{key}"\n'
        f"mutants = {score.mutants}\nkilled = {score.killed}\n"
        f"equivalent = {score.equivalent}\nscore = {score.score:.4f}\n"
        f"problems = {len(score.problems)}\n",
        encoding="utf-8",
    )


def from_record(kata: Kata, record: dict) -> Score:
    score = Score(kata.slug, record.get("mutants", 0), record.get("mutants", 0),
                  record.get("killed", 0), record.get("equivalent", 0), recorded=True)
    if score.score < THRESHOLD:
        score.problems.append(f"the recorded score {score.score:.1%} is under {THRESHOLD:.0%}")
    if record.get("problems", 0):
        score.problems.append(f"the recorded run had {record['problems']} problem(s); run "
                              f"`kata verify --mutation {kata.slug}` to see them")
    return score


def lay(root: Path, kata: Kata, mutant: Mutant, text: str, into: Path) -> Path:
    """Write the mutated module as a hand-written mutant (a module, or a folder holding the module
    it replaces) and lay it over a copy of the solution, as `kata verify` does."""
    if kata.is_package:
        source = into / "mutant"
        module = source / mutant.file.removeprefix(f"{kata.slug}/")
        module.parent.mkdir(parents=True)
    else:
        source = module = into / mutant.file
    module.write_text(text, encoding="utf-8")
    return build_mutant(root, kata, source, into / "tree")


def first_failure(result: KataResult) -> str:
    failed = next((t for t in result.tests if t.status not in ("passed", "missing")), None)
    if failed is not None:
        return f"{failed.name.rpartition('::')[2]} {failed.status}"
    return f"{result.status}" + (f" ({result.cause})" if result.cause else "")


def tally(score: Score, kata: Kata, mutant: Mutant, result: KataResult,
          listed: dict[str, str]) -> None:
    score.seconds += result.duration
    reason = listed.get(mutant.id)
    if not result.passed:  # failed, error, timeout or crashed: the suite noticed
        score.killed += 1
        if reason is not None:
            score.problems.append(
                f"{kata.mutants_dir}/{EQUIVALENT}: {mutant.id!r} is stale: it is killed "
                f"({first_failure(result)}); remove the entry")
    elif reason is not None:
        score.equivalent += 1
    else:
        score.survivors.append(mutant)


def mutation_scores(
    catalogue: Catalogue,
    katas: list[Kata],
    jobs: int | None = None,
    changed_only: bool = False,
    record: bool = False,
    progress: Callable[[str], None] | None = None,
) -> list[Score]:
    """Run every kata's mutants on warm workers; with ``changed_only``, a kata whose checked-in
    record still matches its fingerprint is taken from the record instead. ``progress`` hears
    of each kata as its last mutant finishes."""
    root = catalogue.root
    size = jobs or os.cpu_count() or 1
    scores = {k.slug: Score(k.slug) for k in katas}
    keys = {k.slug: kata_fingerprint(root, k) for k in katas
            if (root / k.solution_path).exists()}
    todo = []
    for kata in katas:
        if kata.slug not in keys:
            scores[kata.slug].problems.append(f"no reference solution at {kata.solution_path}")
            continue
        saved = read_record(root, kata)
        if changed_only and saved.get("fingerprint") == keys[kata.slug]:
            scores[kata.slug] = from_record(kata, saved)
        else:
            todo.append(kata)
    with (
        tempfile.TemporaryDirectory(prefix="kata-mutation-") as tmp,
        ThreadPoolExecutor(size) as pool,
        WorkerPool(
            root,
            todo,
            size,
            [root / "tests" / "stubs", root / "solutions", Path(tmp)],
            [root / "tests"],
        ) as workers,
    ):
        def baseline(kata: Kata) -> tuple[dict | None, KataResult | None, tuple[str, ...]]:
            """The expected tests, quickest first when the solution still passes in that order
            (a mutant is killed by its first failing test: better a quick one)."""
            with workers.worker() as worker:
                expected = expected_tests(root, kata, worker=worker)
                if not expected:
                    return None, None, ()
                solved = run_kata(root, kata, "solutions", expected, worker=worker)
                if not solved.passed:
                    return expected, solved, ()
                took = {t.name: t.duration for t in solved.tests}
                quick = {**expected, "tests": sorted(expected["tests"],
                                                     key=lambda t: took.get(t["name"], 0.0))}
                order = tuple(t["name"] for t in quick["tests"])
                again = run_kata(root, kata, "solutions", quick, worker=worker, order=order)
                return (quick, again, order) if again.passed else (expected, solved, ())

        runs: list[tuple[Kata, Mutant, str, dict, tuple[str, ...]]] = []
        listed: dict[str, dict[str, str]] = {}
        for kata, (expected, solved, order) in zip(todo, pool.map(baseline, todo), strict=True):
            score = scores[kata.slug]
            listed[kata.slug], problems = equivalents(root, kata)
            score.problems.extend(problems)
            if expected is None or solved is None:
                score.problems.append("the suite collects no tests on the stub")
                continue
            if not solved.passed:
                score.problems.append(f"the solution does not pass its suite ({solved.status})")
                continue
            texts = solution_files(root, kata)
            everything = generate(root, kata)
            chosen = sample(everything, SAMPLE, set(listed[kata.slug]))
            score.generated, score.mutants = len(everything), len(chosen)
            known = {m.id for m in everything}
            score.problems.extend(
                f"{kata.mutants_dir}/{EQUIVALENT}: {key!r} is stale: no such mutant any more"
                for key in listed[kata.slug] if key not in known)
            wall = min(kata.limits.wall_clock, max(WALL_FLOOR, WALL_FACTOR * solved.duration))
            limited = replace(kata, limits=replace(kata.limits, wall_clock=wall))
            runs.extend((limited, m, texts[m.file], expected, order) for m in chosen)
        # Longest first: the slow suites' mutants start at once, the quick ones fill the gaps.
        runs.sort(key=lambda r: -r[0].limits.wall_clock)

        def run(job: tuple[Kata, Mutant, str, dict, tuple[str, ...]]) -> KataResult:
            kata, mutant, text, expected, order = job
            with tempfile.TemporaryDirectory(dir=tmp) as folder:
                tree = lay(root, kata, mutant, mutant.apply(text), Path(folder))
                with workers.worker() as worker:
                    return run_kata(root, kata, str(tree), expected, worker=worker,
                                    exitfirst=True, order=order)

        left = Counter(kata.slug for kata, *_ in runs)
        futures = {pool.submit(run, job): job for job in runs}
        try:
            for future in as_completed(futures):
                kata, mutant, *_ = futures[future]
                tally(scores[kata.slug], kata, mutant, future.result(), listed[kata.slug])
                left[kata.slug] -= 1
                if not left[kata.slug] and progress:
                    done = scores[kata.slug]
                    progress(f"{kata.slug}: {done.mutants} mutants, {done.seconds:.0f} s")
        except BaseException:  # Ctrl-C: end the runs now, before the pool waits out their clocks
            workers.__exit__(None, None, None)
            for future in futures:
                future.cancel()
            raise
    for kata in todo:
        score = scores[kata.slug]
        score.survivors.sort(key=lambda m: (m.file, m.start, m.id))
        score.judge()
        if record and score.mutants:
            write_record(root, kata, score, keys[kata.slug])
    return [scores[k.slug] for k in katas]
