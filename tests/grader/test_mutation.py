"""The mutation gate (`kata verify --mutation`) and the generator of mechanical mutants."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest
from toyrepo import clean, write, write_hints

from grader import catalogue
from grader.teaching.mutation import generate, generate_file, kata_fingerprint, sample

# --- generation ---------------------------------------------------------------------------------

EVERY_KIND = textwrap.dedent('''\
    """A module docstring is never mutated."""
    from dataclasses import dataclass

    LIMIT: int = 10


    @dataclass(frozen=True, slots=True)
    class Point:
        """Nor is a class docstring."""

        x: int
        y: int


    def f(a, b, items, seen=None):
        """Nor a function docstring."""
        total = a + b
        if a < b and b not in items:
            print("small")
        while a is None:
            a = 1
        flag = True if b else False
        assert a, "a must be truthy"
        kept = [i for i in items if i]
        return f"{total} {flag} {kept}"


    if __name__ == "__main__":
        f(1, 2, [])
    ''')


def diffs(mutants) -> set[str]:
    return {m.diff for m in mutants}


def test_every_kind_of_mutant_is_generated():
    found = diffs(generate_file("toy.py", EVERY_KIND))
    expected = {
        "toy.py:4  10 -> 11", "toy.py:4  10 -> 9",
        "toy.py:7  frozen=True -> (removed)", "toy.py:7  slots=True -> (removed)",
        "toy.py:7  True -> False",
        "toy.py:15  None -> \"\"",
        "toy.py:17  a + b -> a - b",
        "toy.py:18  a < b -> a <= b", "toy.py:18  b not in items -> b in items",
        "toy.py:18  a < b and b not in items -> a < b or b not in items",
        "toy.py:18  a < b and b not in items -> not (a < b and b not in items)",
        "toy.py:19  print(\"small\") -> pass", "toy.py:19  \"small\" -> ''",
        "toy.py:20  a is None -> a is not None", "toy.py:20  a is None -> not (a is None)",
        "toy.py:22  b -> not (b)",
        "toy.py:23  a -> not (a)", "toy.py:23  \"a must be truthy\" -> ''",
        "toy.py:24  i -> not (i)",
        "toy.py:25  return f\"{total} {flag} {kept}\" -> return None",
        "toy.py:25  f\"{total} {flag} {kept}\" -> \"\"",
    }
    assert expected <= found, sorted(expected - found)


def test_docstrings_annotations_and_the_main_guard_are_left_alone():
    found = diffs(generate_file("toy.py", EVERY_KIND))
    assert not [d for d in found if "docstring" in d], found
    assert not [d for d in found if d.startswith(("toy.py:4  int", "toy.py:11", "toy.py:12"))]
    assert not [d for d in found if re.match(r"toy\.py:(28|29)\b", d)], found
    assert "toy.py:20  None -> \"\"" not in found  # `is None` is mutated as `is not None`


def test_the_same_source_gives_the_same_mutants_with_unique_ids():
    first, second = generate_file("toy.py", EVERY_KIND), generate_file("toy.py", EVERY_KIND)
    assert [m.id for m in first] == [m.id for m in second]
    assert first == second
    assert len({m.id for m in first}) == len(first)


def test_ids_survive_an_unrelated_edit_of_the_solution():
    before = {m.id: m.diff.split("  ", 1)[1] for m in generate_file("toy.py", EVERY_KIND)}
    edited = EVERY_KIND.replace("LIMIT: int = 10\n", "LIMIT: int = 10\nOTHER = 'x' * 3\n\n\n"
                                "def helper(n):\n    return n - 1\n")
    after = {m.id: m.diff.split("  ", 1)[1] for m in generate_file("toy.py", edited)}
    assert before.items() <= after.items()  # same id, same change; only the line moved
    assert len(after) > len(before)


def test_every_mutant_changes_one_span_and_compiles():
    for mutant in generate_file("toy.py", EVERY_KIND):
        mutated = mutant.apply(EVERY_KIND)
        assert mutated != EVERY_KIND
        compile(mutated, "toy.py", "exec")
        assert mutated[: mutant.start] == EVERY_KIND[: mutant.start]


def test_a_sample_is_spread_over_the_file_and_the_same_every_time():
    mutants = generate_file("toy.py", EVERY_KIND)
    chosen = sample(mutants, 6)
    assert [m.id for m in chosen] == [m.id for m in sample(mutants, 6)]
    assert len(chosen) == 6
    n = len(mutants)
    for i, mutant in enumerate(chosen):  # one from each sixth of the file, top to bottom
        assert mutant in mutants[i * n // 6 : (i + 1) * n // 6]
    keep = mutants[1].id
    assert keep in {m.id for m in sample(mutants, 2, {keep})}
    assert sample(mutants, 0) == mutants


def test_a_package_kata_has_mutants_in_each_of_its_modules(tmp_path: Path):
    root = tmp_path
    write(root / "katas.toml", textwrap.dedent('''\
        [[kata]]
        slug = "pkg"
        level = "beginner"
        title = "A package"
        question = "Why a package?"
        points = 1
        files = ["katas/pkg/__init__.py", "katas/pkg/core.py"]
        '''))
    write_hints(root, "pkg", {1: ["a", "b"]})
    for rel in ("tests/stubs/pkg/__init__.py", "tests/stubs/pkg/core.py",
                "tests/katas/test_pkg.py"):
        write(root / rel, "")
    write(root / "solutions/pkg/__init__.py", "from pkg.core import double\n")
    write(root / "solutions/pkg/core.py", "def double(x):\n    return 2 * x\n")
    kata = catalogue.load(root).get("pkg")
    assert {m.file for m in generate(root, kata)} == {"pkg/core.py"}
    assert "pkg/core.py:2  2 * x -> 2 / x" in diffs(generate(root, kata))


# --- the gate, on the toy repository ------------------------------------------------------------

# The toy solution with one mutant no test can see: round() without ndigits=None is the same.
TOY_WITH_A_SURVIVOR = '''"""Toy kata: the reference solution."""


def add(a, b):
    return round(a + b, ndigits=None)


def greet(name):
    return f"Hello, {name}!"
'''


@pytest.fixture
def survivor(repo: Path):
    """The toy repository whose `toy` solution has exactly one surviving mutant."""
    write(repo / "solutions" / "toy.py", TOY_WITH_A_SURVIVOR)
    kata = catalogue.load(repo).get("toy")
    mutants = generate(repo, kata)
    found = next(m for m in mutants if m.kind == "keyword")
    killed = next(m for m in mutants if m.kind == "return")
    return found, killed, len(mutants)


def equivalents(repo: Path, text: str) -> None:
    write(repo / "solutions" / "mutants" / "toy" / "_equivalent.toml", text)


def row(out: str, slug: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(f"{slug} "))


@pytest.mark.timeout(60)
def test_a_survivor_fails_the_gate_and_is_shown_as_a_one_line_diff(kata, survivor):
    mutant, _, count = survivor
    result = kata("verify", "--mutation")
    out = clean(result)
    assert result.exit_code == 1, out
    toy = rf"toy\s+{count}\s+{count - 1}\s+0\s+\d+\.\d%\s+\d+ s\s+FAIL"
    assert re.fullmatch(toy, row(out, "toy")), out
    assert re.fullmatch(r"toy2\s+(\d+)\s+\1\s+0\s+100\.0%\s+\d+ s\s+ok", row(out, "toy2")), out
    assert f"toy: survivor toy.py:5  ndigits=None -> (removed)  [{mutant.id}]" in out
    assert "toy: scores" in out and "under 95%" in out
    assert re.search(r"^1 of 2 katas score at least 95% \(\d+ mutants run in 0m\d\ds\)$", out,
                     re.M), out
    assert "  toy: 6 mutants," in out  # progress, as each kata finishes


@pytest.mark.timeout(60)
def test_a_reasoned_equivalent_mutant_passes_the_gate(kata, repo: Path, survivor):
    mutant, _, count = survivor
    equivalents(repo, f'"{mutant.id}" = "round(x) and round(x, ndigits=None) are the same"\n')
    result = kata("verify", "--mutation", "toy")
    out = clean(result)
    assert result.exit_code == 0, out
    toy = rf"toy\s+{count}\s+{count - 1}\s+1\s+100\.0%\s+\d+ s\s+ok"
    assert re.fullmatch(toy, row(out, "toy")), out
    assert "survivor" not in out


@pytest.mark.timeout(60)
def test_a_killed_or_unknown_equivalent_is_stale_and_fails_the_gate(kata, repo: Path, survivor):
    mutant, killed, _ = survivor
    equivalents(repo, f'"{mutant.id}" = "the same"\n"{killed.id}" = "thought to be the same"\n'
                      '"toy.py:gone:operator:00000000" = "was equivalent once"\n')
    result = kata("verify", "--mutation", "toy")
    out = clean(result)
    assert result.exit_code == 1, out
    stale = (rf"^toy: solutions/mutants/toy/_equivalent\.toml: '{re.escape(killed.id)}' is "
             r"stale: it is killed \(test_add_\w+ failed\); remove the entry$")
    assert re.search(stale, out, re.M), out
    assert ("toy: solutions/mutants/toy/_equivalent.toml: 'toy.py:gone:operator:00000000' is "
            "stale: no such mutant any more") in out


@pytest.mark.timeout(60)
def test_an_equivalent_without_a_reason_fails_the_gate(kata, repo: Path, survivor):
    mutant, _, _ = survivor
    equivalents(repo, f'"{mutant.id}" = " "\n')
    result = kata("verify", "--mutation", "toy")
    out = clean(result)
    assert result.exit_code == 1, out
    assert (f"toy: solutions/mutants/toy/_equivalent.toml: '{mutant.id}' has no reason; say in "
            "one line why no test can tell it from the solution") in out
    assert f"toy: survivor toy.py:5  ndigits=None -> (removed)  [{mutant.id}]" in out


@pytest.mark.timeout(60)
def test_a_hang_and_a_crash_count_as_killed(kata, repo: Path):
    write(repo / "solutions" / "toy.py", TOY_WITH_A_SURVIVOR.replace(
        "    return round(a + b, ndigits=None)",
        "    while a == 12345:\n        pass\n    if a == 777:\n        import os\n\n"
        "        os._exit(0)\n    return a + b"))
    result = kata("verify", "--mutation", "toy")
    out = clean(result)
    survivors = [line for line in out.splitlines() if line.startswith("toy: survivor")]
    assert any("12345 -> 12346" in line for line in survivors), out  # the run went through
    # `while a != 12345` hangs and `if a != 777` ends the process: both killed
    assert not [line for line in survivors if "a != " in line or "not (a ==" in line], out


@pytest.mark.timeout(60)
def test_a_record_is_trusted_until_anything_it_depends_on_changes(kata, repo: Path):
    result = kata("verify", "--mutation", "--record", "toy2")
    out = clean(result)
    assert result.exit_code == 0, out
    record = (repo / "solutions" / "mutants" / "toy2" / "_mutation.toml").read_text()
    assert re.search(r'^fingerprint = "[0-9a-f]{64}"$', record, re.M), record
    assert "score = 1.0000" in record

    result = kata("verify", "--mutation", "--changed", "toy2")
    out = clean(result)
    assert result.exit_code == 0, out
    assert re.search(r"toy2\s+\d+\s+\d+\s+0\s+100\.0%\s+ok \(recorded\)", out), out

    # The suite loses the test that pins halve: the record no longer matches, the kata is re-run
    suite = repo / "tests" / "katas" / "test_toy2.py"
    suite.write_text(suite.read_text().split("@pytest.mark.task(2)")[0])
    (repo / "katas" / "toy2.md").write_text((repo / "katas" / "toy2.md").read_text())
    result = kata("verify", "--mutation", "--changed", "toy2")
    out = clean(result)
    assert result.exit_code == 1, out
    assert "(recorded)" not in out
    assert "toy2: survivor toy2.py:9  return x / 2 -> return None" in out


def test_a_fingerprint_does_not_depend_on_where_the_repository_is(repo: Path, tmp_path: Path):
    # CI checks the records on a fresh clone in another folder: the same files, the same key.
    elsewhere = tmp_path / "elsewhere" / "clone"
    shutil.copytree(repo, elsewhere)
    here = catalogue.load(repo).get("toy2")
    there = catalogue.load(elsewhere).get("toy2")
    assert kata_fingerprint(repo, here) == kata_fingerprint(elsewhere, there)
    (elsewhere / "tests" / "katas" / "test_toy2.py").write_text("# emptied\n")
    assert kata_fingerprint(repo, here) != kata_fingerprint(elsewhere, there)


@pytest.mark.timeout(60)
def test_a_recorded_score_under_the_threshold_still_fails(kata, repo: Path, survivor):
    result = kata("verify", "--mutation", "--record", "toy")
    assert result.exit_code == 1
    result = kata("verify", "--mutation", "--changed", "toy")
    out = clean(result)
    assert result.exit_code == 1, out
    assert "(recorded)" in out and "toy: the recorded score" in out


def test_changed_and_record_need_mutation(kata):
    result = kata("verify", "--changed")
    assert result.exit_code == 2
    assert "--changed and --record go with --mutation" in result.output


SLOW_FIRST = '''

@pytest.mark.task(1)
def test_aa_add_slowly():
    import time

    time.sleep(0.5)
    assert add(1, 1) == 2
'''


@pytest.mark.timeout(60)
def test_a_mutant_is_killed_by_the_quickest_test_that_catches_it(kata, repo: Path, survivor):
    mutant, killed, _ = survivor  # killed: add returns None
    suite = repo / "tests" / "katas" / "test_toy.py"
    head, _, tail = suite.read_text().partition("\n\n\n")
    suite.write_text(head + SLOW_FIRST + "\n\n" + tail)  # first in the file, and slow
    equivalents(repo, f'"{mutant.id}" = "the same"\n"{killed.id}" = "not really"\n')
    result = kata("verify", "--mutation", "toy")
    out = clean(result)
    assert re.search(r"is stale: it is killed \(test_add_(returns_the_sum|handles_negative_numbers)"
                     r" failed\)", out), out


ORDER_DEPENDENT = '''

SEEN = []


@pytest.mark.task(1)
def test_aa_add_slowly_and_remember():
    import time

    time.sleep(0.3)
    SEEN.append(add(1, 1))


@pytest.mark.task(1)
def test_ab_add_remembered():
    assert SEEN == [2]
'''


@pytest.mark.timeout(60)
def test_a_suite_whose_tests_depend_on_their_order_keeps_it(kata, repo: Path, survivor):
    mutant, _, count = survivor
    suite = repo / "tests" / "katas" / "test_toy.py"
    suite.write_text(suite.read_text() + ORDER_DEPENDENT)
    result = kata("verify", "--mutation", "toy")
    out = clean(result)
    # quickest first, test_ab would fail on the solution itself: the file's order is kept
    assert re.fullmatch(rf"toy\s+{count}\s+{count - 1}\s+0\s+\d+\.\d%\s+\d+ s\s+FAIL",
                        row(out, "toy")), out
    assert f"toy: survivor toy.py:5  ndigits=None -> (removed)  [{mutant.id}]" in out


def test_odd_line_breaks_inside_strings_do_not_shift_the_spans():
    text = 'X = "a\u2028b\x0cc"\n\n\ndef f(x):\n    return x + 1\n'
    found = {m.diff: m.apply(text) for m in generate_file("odd.py", text)}
    assert found["odd.py:5  x + 1 -> x - 1"].endswith("    return (x - 1)\n")


@pytest.mark.timeout(60)
def test_a_record_of_a_run_with_problems_still_fails(kata, repo: Path, survivor):
    mutant, killed, _ = survivor
    equivalents(repo, f'"{mutant.id}" = "the same"\n"{killed.id}" = "not really"\n')
    assert kata("verify", "--mutation", "--record", "toy").exit_code == 1
    record = (repo / "solutions" / "mutants" / "toy" / "_mutation.toml").read_text()
    assert "score = 1.0000" in record and "problems = 1" in record, record
    result = kata("verify", "--mutation", "--changed", "toy")
    out = clean(result)
    assert result.exit_code == 1, out
    assert ("toy: the recorded run had 1 problem(s); run `kata verify --mutation toy` to see "
            "them") in out
