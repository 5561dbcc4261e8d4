"""A tiny toy kata repository, written into ``tmp_path``, for the grader's own tests.

Two katas: ``toy`` (beginner, 5 points) and ``toy2`` (intermediate, 10 points), each with a
pristine stub, the learner's copy, a README of two tasks, a hint ladder per task
(``hints/<slug>.toml``), a reference solution, an approaches page
(``solutions/<slug>.approaches.md``), three mutants and a suite with task markers.
``[limits]`` are small so that a hang costs seconds, not minutes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

TOY_STUB = '''"""Toy kata: two tiny functions."""


def add(a, b):
    """Task 1: return the sum of a and b."""
    raise NotImplementedError("Task 1: add")


def greet(name):
    """Task 2: return 'Hello, <name>!'."""
    raise NotImplementedError("Task 2: greet")
'''

TOY_SOLUTION = '''"""Toy kata: the reference solution."""


def add(a, b):
    return a + b


def greet(name):
    return f"Hello, {name}!"
'''

TOY_TESTS = '''import pytest
from toy import add, greet


@pytest.mark.task(1)
def test_add_returns_the_sum():
    got = add(2, 3)
    assert got == 5, f"add(2, 3) returned {got!r}; expected 5"


@pytest.mark.task(1)
def test_add_handles_negative_numbers():
    got = add(-2, -3)
    assert got == -5, f"add(-2, -3) returned {got!r}; expected -5"


@pytest.mark.task(2)
def test_greet_says_hello():
    got = greet("Ann")
    assert got == "Hello, Ann!", f"greet('Ann') returned {got!r}; expected 'Hello, Ann!'"
'''

TOY_MUTANTS = {
    "subtracts": '"""Subtracts instead of adding."""\nfrom _reference import *\n\n\n'
                 "def add(a, b):\n    return a - b\n",
    "multiplies": '"""Multiplies instead of adding."""\nfrom _reference import *\n\n\n'
                  "def add(a, b):\n    return a * b\n",
    "no_bang": '"""Forgets the exclamation mark."""\nfrom _reference import *\n\n\n'
               'def greet(name):\n    return f"Hello, {name}"\n',
}

TOY2_STUB = '''"""Toy kata 2: doubling and halving."""


def double(x):
    """Task 1: return twice x."""
    raise NotImplementedError("Task 1: double")


def halve(x):
    """Task 2: return half of x, as a float."""
    raise NotImplementedError("Task 2: halve")
'''

TOY2_SOLUTION = '''"""Toy kata 2: the reference solution."""


def double(x):
    return 2 * x


def halve(x):
    return x / 2
'''

TOY2_TESTS = '''import pytest
from toy2 import double, halve


@pytest.mark.task(1)
def test_double_returns_twice_the_number():
    got = double(21)
    assert got == 42, f"double(21) returned {got!r}; expected 42"


@pytest.mark.task(2)
def test_halve_keeps_the_fraction():
    got = halve(3)
    assert got == 1.5, f"halve(3) returned {got!r}; expected 1.5"
'''

TOY2_MUTANTS = {
    "triples": '"""Triples instead of doubling."""\nfrom _reference import *\n\n\n'
               "def double(x):\n    return 3 * x\n",
    "floor_division": '"""Uses // and loses the fraction."""\nfrom _reference import *\n\n\n'
                      "def halve(x):\n    return x // 2\n",
    "off_by_one": '"""Adds one too many."""\nfrom _reference import *\n\n\n'
                  "def double(x):\n    return 2 * x + 1\n",
}

# Each page has a line found nowhere else, so that a test can tell whether it was revealed.
APPROACHES = {
    "toy": """# toy: other approaches

## Other ways

`operator.add(a, b)` does what `a + b` does (TOY-APPROACHES).

## Check yourself

1. Is `add("a", "b")` an error? No: `+` joins strings.
""",
    "toy2": """# toy2: other approaches

## Other ways

`x * 0.5` halves as well as `x / 2` (TOY2-APPROACHES).
""",
}

QUESTIONS = {
    "toy": "How do you add two numbers and greet someone in Python?",
    "toy2": "How do you double and halve a number in Python?",
}

README = """# {title}

> {question}

A toy kata for the grader's own tests.

## Task 1 — {task1}

## Task 2 — {task2}

Run `kata check {slug}`.

## Sources

- The Python tutorial: https://docs.python.org/3/tutorial/
- pytest: https://docs.pytest.org/en/stable/
"""

KATAS = [
    {"slug": "toy", "level": "beginner", "title": "Toy: add and greet", "points": 5,
     "question": QUESTIONS["toy"], "files": ["katas/toy.py"]},
    {"slug": "toy2", "level": "intermediate", "title": "Toy 2: double and halve", "points": 10,
     "question": QUESTIONS["toy2"], "files": ["katas/toy2.py"]},
]

# One ladder per README task, concept first (hints/<slug>.toml).
HINTS = {
    "toy": {
        1: ["Adding is the arithmetic you already know.", "Use the + operator.",
            "return a + b"],
        2: ["A greeting is a string built around the name.", "An f-string builds the greeting.",
            "Mind the '!'."],
    },
    "toy2": {
        1: ["Twice a number is the number added to itself.", "Multiply by two with *."],
        2: ["Half of an odd number is not a whole number.", "Divide with /, not //.",
            "halve(3) is 1.5."],
    },
}

FILES = {
    "toy": (TOY_STUB, TOY_SOLUTION, TOY_TESTS, TOY_MUTANTS, ("Add", "Greet")),
    "toy2": (TOY2_STUB, TOY2_SOLUTION, TOY2_TESTS, TOY2_MUTANTS, ("Double", "Halve")),
}


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(value)


def write_catalogue(root: Path, katas: list[dict], limits: dict | None = None) -> None:
    """Write ``katas.toml`` from plain dicts (so that tests can break one field at a time)."""
    limits = {"wall_clock": 4, "test_timeout": 2} if limits is None else limits
    lines = ["gated = false", "", "[limits]"]
    lines += [f"{k} = {toml_value(v)}" for k, v in limits.items()]
    for kata in katas:
        lines += ["", "[[kata]]"]
        lines += [f"{k} = {toml_value(v)}" for k, v in kata.items()]
    (root / "katas.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_hints(root: Path, slug: str, ladders: dict[int, list[str]]) -> Path:
    """Write ``hints/<slug>.toml`` from {task number: rungs}."""
    text = "".join(
        f"[[task]]\nnumber = {number}\nrungs = {toml_value(rungs)}\n\n"
        for number, rungs in ladders.items()
    )
    return write(root / "hints" / f"{slug}.toml", text)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def build_repo(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    write_catalogue(root, KATAS)
    for kata in KATAS:
        slug = kata["slug"]
        stub, solution, tests, mutants, (task1, task2) = FILES[slug]
        write(root / "tests" / "stubs" / f"{slug}.py", stub)
        write(root / "katas" / f"{slug}.py", stub)
        write(root / "katas" / f"{slug}.md", README.format(
            title=kata["title"], question=kata["question"], task1=task1, task2=task2, slug=slug))
        write(root / "solutions" / f"{slug}.py", solution)
        write(root / "solutions" / f"{slug}.approaches.md", APPROACHES[slug])
        for name, text in mutants.items():
            write(root / "solutions" / "mutants" / slug / f"{name}.py", text)
        write(root / "tests" / "katas" / f"test_{slug}.py", tests)
        write_hints(root, slug, HINTS[slug])
    return root


def solve(root: Path, slug: str) -> None:
    """Copy the reference solution over the learner's file, as a learner who solved it would."""
    shutil.copy2(root / "solutions" / f"{slug}.py", root / "katas" / f"{slug}.py")


def clean(result) -> str:
    """The output of a CliRunner result, after checking that no exception escaped the CLI."""
    output = result.output
    assert "Traceback" not in output, output
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {result.exception}\n{output}")
    return output
