"""The default author gate (`kata verify`): README structure and parametrize ids."""

from __future__ import annotations

from pathlib import Path

import pytest
from toyrepo import clean

from grader.teaching.verify import readme_ending_problems

RUN = "Run `kata check toy`."
SOURCES = "## Sources\n\n- https://docs.python.org/3/\n- https://flask.palletsprojects.com/\n"
TASKS = "# Toy\n\n## Task 1 — Add\n\nAdd them.\n\n"


@pytest.mark.parametrize(
    "text",
    [
        TASKS + RUN + "\n\n" + SOURCES,
        TASKS + RUN + "\n\n## Going further\n\nRead more.\n\n" + SOURCES,
        TASKS + RUN + "\n\n" + SOURCES + "\n```\n## not a heading inside a fence\n```\n",
    ],
    ids=["sources", "going-further-then-sources", "fenced-heading"],
)
def test_a_well_formed_ending_passes(text: str):
    assert readme_ending_problems(text, "toy") == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (TASKS + RUN + "\n",
         "must end with a '## Sources' section (at least 2 https:// links)"),
        (TASKS + RUN + "\n\nGood luck.\n\n" + SOURCES,
         "must have the line Run `kata check toy`. last before '## Sources'"),
        (TASKS + SOURCES + "\n" + RUN + "\n",
         "must have the line Run `kata check toy`. last before '## Sources'"),
        (TASKS + RUN + "\n\n" + SOURCES + "\n## Going further\n\nMore.\n",
         "may have only '## Going further' and then '## Sources' after Run `kata check toy`. "
         "(found ## Sources, ## Going further)"),
        (TASKS + RUN + "\n\n## Sources\n\n- https://a.example/\n\n## Going further\n\n" + SOURCES,
         "may have only '## Going further' and then '## Sources' after Run `kata check toy`. "
         "(found ## Sources, ## Going further, ## Sources)"),
        (TASKS + RUN + "\n\n## Sources\n\n- https://docs.python.org/3/\n- http://old.example/\n",
         "has 1 https:// link(s) under '## Sources'; at least 2 needed"),
        (TASKS + RUN + "\n\n## Notes\n\nMore.\n\n" + SOURCES,
         "must have the line Run `kata check toy`. last before '## Sources'"),
    ],
    ids=["no-sources", "run-line-not-last", "sources-before-run-line", "sources-not-last",
         "two-sources", "one-https-link", "another-section"],
)
def test_a_malformed_ending_is_named(text: str, problem: str):
    assert problem in readme_ending_problems(text, "toy")


@pytest.mark.timeout(30)
def test_verify_rejects_a_readme_without_sources(kata, repo: Path):
    readme = repo / "katas" / "toy.md"
    readme.write_text(readme.read_text().split("## Sources")[0])
    result = kata("verify", "toy")
    out = clean(result)
    assert result.exit_code == 1, out
    assert ("toy: katas/toy.md must end with a '## Sources' section (at least 2 https:// links)"
            in out)


AUTO_IDS = '''

@pytest.mark.task(1)
@pytest.mark.parametrize("config", [{"a": 1}, {"a": 2}])
def test_add_takes_a_config(config):
    assert add(config["a"], 0) == config["a"]


@pytest.mark.task(1)
@pytest.mark.parametrize(("how", "n"), [(lambda x: x, 1), ("plain", 2)])
def test_add_takes_a_callable(how, n):
    assert add(n, 0) == n


@pytest.mark.task(2)
@pytest.mark.parametrize("name", ["", "Bo"])
def test_greet_takes_names(name):
    assert greet(name) == f"Hello, {name}!"


@pytest.mark.task(1)
@pytest.mark.parametrize("n", [-1, "max-age", "-bad-"])
def test_add_takes_values_with_hyphens(n):
    assert add(0, 0) == 0


@pytest.mark.task(1)
@pytest.mark.parametrize(("a", "b"), [(-1, 2), ("", 3)])
def test_add_takes_two_values(a, b):
    assert add(0, b) == b


@pytest.mark.task(1)
@pytest.mark.parametrize("kwargs", [{"a": 1}], ids=["one"])
@pytest.mark.parametrize("v", [pytest.param([1], id="first-case"), [2]])
def test_add_named_cases(kwargs, v):
    assert add(kwargs["a"], v[0]) == 1 + v[0]
'''


@pytest.mark.timeout(30)
def test_verify_rejects_the_ids_pytest_makes_up(kata, repo: Path):
    suite = repo / "tests" / "katas" / "test_toy.py"
    suite.write_text(suite.read_text() + AUTO_IDS)
    result = kata("verify", "toy")
    out = clean(result)
    assert result.exit_code == 1, out
    fix = "name each case with ids=[...] or pytest.param(..., id=...)"
    for test, part in [("test_add_takes_a_config[config0]", "config0"),
                       ("test_add_takes_a_config[config1]", "config1"),
                       ("test_add_takes_a_callable[<lambda>-1]", "<lambda>"),
                       ("test_greet_takes_names[]", ""),
                       ("test_add_takes_two_values[-3]", ""),
                       ("test_add_named_cases[v1-one]", "v1")]:
        assert f"toy: {test}: {part!r} is an id pytest made up; {fix}" in out, out
    for fine in ("test_add_takes_a_callable[plain-2]", "test_greet_takes_names[Bo]",
                 "test_add_named_cases[first-case-one]", "test_add_takes_values_with_hyphens[-1]",
                 "test_add_takes_values_with_hyphens[max-age]",
                 "test_add_takes_values_with_hyphens[-bad-]", "test_add_takes_two_values[-1-2]"):
        assert f"toy: {fine}:" not in out, out
