"""Fixtures for the grader's own tests: a fresh toy kata repository, and `kata` in-process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from toyrepo import build_repo

from grader.cli import main


@pytest.fixture(scope="session")
def toy_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_repo(tmp_path_factory.mktemp("template") / "repo")


@pytest.fixture
def repo(toy_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the toy kata repository, for this test alone."""
    root = tmp_path / "repo"
    shutil.copytree(toy_template, root)
    return root


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The grader's own environment switches must not leak in from the shell running the tests."""
    for name in ("KATA_TREE", "PYTEST_ADDOPTS", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def kata(repo: Path):
    """Run ``kata --repo REPO --no-color ARGS...`` in-process; returns the Click result."""
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(main, ["--repo", str(repo), "--no-color", *args])

    return invoke
