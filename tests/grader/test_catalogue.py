"""Loading ``katas.toml``: one-line errors that name the kata and the field."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
from toyrepo import HINTS, KATAS, write, write_catalogue, write_hints

from grader import catalogue
from grader.catalogue import CatalogueError, UnknownKata
from grader.errors import UsageError

REAL_REPO = Path(__file__).resolve().parents[2]


def katas(**changes: dict) -> list[dict]:
    """The toy katas with some fields of ``toy2`` changed (a value of None removes the field)."""
    entries = copy.deepcopy(KATAS)
    for name, value in changes.items():
        if value is None:
            entries[1].pop(name, None)
        else:
            entries[1][name] = value
    return entries


def load_error(root: Path) -> str:
    with pytest.raises(CatalogueError) as info:
        catalogue.load(root)
    message = str(info.value)
    assert "\n" not in message, message
    return message


def test_the_toy_catalogue_loads(repo: Path) -> None:
    cat = catalogue.load(repo)
    assert cat.slugs == ["toy", "toy2"]
    assert cat.total_points == 15
    toy = cat.get("toy")
    assert toy.level == "beginner" and toy.files == ("katas/toy.py",)
    assert toy.limits.wall_clock == 4 and toy.limits.test_timeout == 2
    assert toy.limits.memory_mb == 2048  # the default
    assert [k.slug for k in cat.by_level()["intermediate"]] == ["toy2"]
    assert [(t.number, t.title) for t in toy.tasks] == [(1, "Add"), (2, "Greet")]
    assert toy.task(2).hints == tuple(HINTS["toy"][2])


def test_a_kata_may_override_a_limit(repo: Path) -> None:
    write_catalogue(repo, katas(limits={"wall_clock": 9}))
    cat = catalogue.load(repo)
    assert cat.get("toy2").limits.wall_clock == 9
    assert cat.get("toy2").limits.test_timeout == 2
    assert cat.get("toy").limits.wall_clock == 4


def test_a_release_without_solutions_loads(repo: Path) -> None:
    shutil.rmtree(repo / "solutions")
    assert catalogue.load(repo).slugs == ["toy", "toy2"]


def test_find_root_walks_up(repo: Path) -> None:
    assert catalogue.find_root(repo / "tests" / "katas") == repo.resolve()


def test_unknown_slug(repo: Path) -> None:
    cat = catalogue.load(repo)
    with pytest.raises(UnknownKata, match=r"no kata named 'tyo2'; did you mean 'toy2'\?"):
        cat.get("tyo2")
    assert UnknownKata.exit_code == 2


def test_duplicate_slug(repo: Path) -> None:
    write_catalogue(repo, [*KATAS, KATAS[0]])
    assert load_error(repo) == "kata 'toy': slug: duplicate slug"


@pytest.mark.parametrize("slug", ["json", "asyncio", "os"])
def test_a_stdlib_slug_is_refused(repo: Path, slug: str) -> None:
    write_catalogue(repo, katas(slug=slug))
    assert load_error(repo) == (f"kata {slug!r}: slug: shadows the standard-library module "
                                f"{slug!r}")


@pytest.mark.parametrize("slug", ["Toy3", "toy-3", "3toy", ""])
def test_a_slug_must_be_a_lowercase_identifier(repo: Path, slug: str) -> None:
    write_catalogue(repo, katas(slug=slug))
    assert load_error(repo) == (f"kata #2: slug: must be a lowercase Python identifier, "
                                f"got {slug!r}")


def test_missing_stub(repo: Path) -> None:
    (repo / "tests" / "stubs" / "toy2.py").unlink()
    assert load_error(repo) == "kata 'toy2': files: missing pristine stub tests/stubs/toy2.py"


def test_missing_test_file(repo: Path) -> None:
    (repo / "tests" / "katas" / "test_toy2.py").unlink()
    assert load_error(repo) == "kata 'toy2': tests: missing test file tests/katas/test_toy2.py"


def test_unknown_level(repo: Path) -> None:
    write_catalogue(repo, katas(level="expert"))
    assert load_error(repo) == ("kata 'toy2': level: 'expert' is not one of beginner, "
                                "intermediate, advanced")


# --- hint ladders: hints/<slug>.toml, checked against the README's tasks ------------------------

WHERE = "kata 'toy2': hints: hints/toy2.toml"


def test_hints_in_the_catalogue_say_where_they_moved(repo: Path) -> None:
    write_catalogue(repo, katas(hints=["one", "two", "three"]))
    assert load_error(repo) == ("kata 'toy2': hints: moved out of the catalogue into "
                                "hints/toy2.toml (see hints/README.md)")


def test_a_missing_hints_file(repo: Path) -> None:
    (repo / "hints" / "toy2.toml").unlink()
    assert load_error(repo) == (f"{WHERE}: missing (one hint ladder per task; "
                                "see hints/README.md)")


def test_a_hints_file_that_is_not_toml(repo: Path) -> None:
    write(repo / "hints" / "toy2.toml", '[[task]]\nnumber = 1\nrungs = ["unclosed\n')
    assert load_error(repo).startswith(f"{WHERE}: not valid TOML (")


@pytest.mark.parametrize(("text", "message"), [
    ("", "must hold [[task]] tables and nothing else"),
    ('title = "x"\n[[task]]\nnumber = 1\nrungs = ["a", "b"]\n',
     "must hold [[task]] tables and nothing else"),
    ('[[task]]\nrungs = ["a", "b"]\n', "every [[task]] needs number = N"),
    ('[[task]]\nnumber = "1"\nrungs = ["a", "b"]\n', "every [[task]] needs number = N"),
    ('[[task]]\nnumber = 1\nrungs = ["a", "b"]\nhint = "c"\n', "task 1: hint: unknown key"),
    ('[[task]]\nnumber = 1\nrungs = ["a", "  "]\n', "task 1: rungs must be non-empty strings"),
    ('[[task]]\nnumber = 1\nrungs = "a"\n', "task 1: rungs must be non-empty strings"),
])
def test_a_malformed_hints_file(repo: Path, text: str, message: str) -> None:
    write(repo / "hints" / "toy2.toml", text)
    assert load_error(repo) == f"{WHERE}: {message}"


@pytest.mark.parametrize(("rungs", "count"), [([], "0 rungs"), (["only the concept"], "1 rung")])
def test_a_ladder_needs_two_rungs(repo: Path, rungs: list[str], count: str) -> None:
    write_hints(repo, "toy2", {**HINTS["toy2"], 2: rungs})
    assert load_error(repo) == f"{WHERE}: task 2: {count}, at least 2 needed"


def test_every_task_of_the_readme_needs_a_ladder(repo: Path) -> None:
    write_hints(repo, "toy2", {1: HINTS["toy2"][1]})
    assert load_error(repo) == f"{WHERE}: no ladder for Task 2 of katas/toy2.md"


def test_no_ladder_for_a_task_the_readme_lacks(repo: Path) -> None:
    write_hints(repo, "toy2", {**HINTS["toy2"], 3: ["a concept", "an API"]})
    assert load_error(repo) == f"{WHERE}: task 3: katas/toy2.md has no '## Task 3'"


def test_two_ladders_for_one_task(repo: Path) -> None:
    one = '[[task]]\nnumber = 1\nrungs = ["a", "b"]\n'
    write(repo / "hints" / "toy2.toml", one + one)
    assert load_error(repo) == f"{WHERE}: task 1: two ladders"


def test_without_its_readme_a_kata_takes_its_tasks_from_the_ladders(repo: Path) -> None:
    """The README lives in the learner's katas/ folder, and the teacher's bundle has none:
    every command still works, and `kata verify` reports the missing README."""
    (repo / "katas" / "toy2.md").unlink()
    toy2 = catalogue.load(repo).get("toy2")
    assert [(t.number, t.title) for t in toy2.tasks] == [(1, ""), (2, "")]


def test_an_unknown_task_number_is_a_usage_error(repo: Path) -> None:
    toy = catalogue.load(repo).get("toy")
    with pytest.raises(UsageError, match=r"^toy has no task 3; its tasks are 1, 2$") as info:
        toy.task(3)
    assert info.value.exit_code == 2


@pytest.mark.parametrize(("field", "value", "message"), [
    ("title", None, "kata 'toy2': title: missing or empty"),
    ("question", "  ", "kata 'toy2': question: missing or empty"),
    ("points", 0, "kata 'toy2': points: must be a positive integer, got 0"),
    ("points", "ten", "kata 'toy2': points: must be a positive integer, got 'ten'"),
    ("points", True, "kata 'toy2': points: must be a positive integer, got True"),
    ("files", ["katas/other.py"],
     "kata 'toy2': files: must list katas/toy2.py or files under katas/toy2/"),
    ("colour", "blue", "kata 'toy2': colour: unknown field"),
])
def test_bad_fields(repo: Path, field: str, value: object, message: str) -> None:
    write_catalogue(repo, katas(**{field: value}))
    assert load_error(repo) == message


@pytest.mark.parametrize(("limits", "message"), [
    ({"wall_clock": -1}, "[limits]: wall_clock: must be a positive number, got -1"),
    ({"cpu": 3}, "[limits]: cpu: unknown limit"),
])
def test_bad_limits(repo: Path, limits: dict, message: str) -> None:
    write_catalogue(repo, KATAS, limits)
    assert load_error(repo) == message


def test_bad_toml(repo: Path) -> None:
    (repo / "katas.toml").write_text('[[kata]]\nslug = "toy\n')
    message = load_error(repo)
    assert message.startswith(f"{repo.resolve() / 'katas.toml'}: not valid TOML (")


def test_no_katas(repo: Path) -> None:
    (repo / "katas.toml").write_text("gated = false\n")
    assert load_error(repo).endswith("katas.toml: no [[kata]] entries")


def test_missing_catalogue(tmp_path: Path) -> None:
    assert "no catalogue here" in load_error(tmp_path)
    with pytest.raises(CatalogueError, match=r"no katas\.toml in .* or any folder above it"):
        catalogue.find_root(tmp_path)


def test_the_real_catalogue_if_it_loads() -> None:
    """The katas being written right now: check the catalogue's shape only when it loads."""
    try:
        cat = catalogue.load(REAL_REPO)
    except CatalogueError as exc:
        pytest.skip(f"the real catalogue does not load yet: {exc}")
    assert cat.katas, "the real catalogue has no katas"
    assert len(set(cat.slugs)) == len(cat.slugs)
    for kata in cat.katas:
        assert kata.level in catalogue.LEVELS
        assert kata.tasks and all(len(t.hints) >= catalogue.MIN_RUNGS for t in kata.tasks)
        assert (REAL_REPO / kata.test_file).is_file()
