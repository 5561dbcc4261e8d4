"""The static look at a learner's kata file: what it flags, through the evasions a hostile
learner tried, and what it leaves alone (the katas' own stubs and reference solutions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.teaching.static import check_source

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("source", "flag"), [
    ('import os\ngetattr(os, "_" + "exit")(0)\n', "getattr(os, '_exit')"),
    ('import sys\nsys.modules["gr" + "ader"]\n', "imports grader"),
    ('import sys\nsys.modules.get("_py" "test")\n', "imports _pytest"),
    ("from os import kill\nkill(1, 9)\n", "imports os.kill"),
    ('where = "te" + "sts"\nopen(where + "/katas/test_toy.py", "w")\n',
     "'tests/katas/test_toy.py'"),
    ('import base64\n__import__(base64.b64decode("Z2M=").decode())\n', "imports gc"),
    ('import importlib\nimportlib.import_module("".join(["gra", "der"]))\n', "imports grader"),
    ('name = "set" + "profile"\nimport sys\ngetattr(sys, name)(print)\n',
     "getattr(sys, 'setprofile')"),
    ("import gc\ngc.get_objects()\n", "uses gc.get_objects"),
    ("def f(e):\n    return e.__traceback__.tb_frame.f_back\n", "tb_frame"),
    ('path = "/pr" + "oc/%d/fd/1"\n', "'/proc/%d/fd/1'"),
    ("import os\nos.fork()\n", "uses os.fork"),
    ('exec("import os")\n', "calls exec()"),
    ("import ctypes\n", "imports ctypes"),
    ("from importlib import import_module as im\nim('_pytest.runner')\n", "imports _pytest"),
], ids=["getattr-concatenated", "sys-modules-concatenated", "sys-modules-implicit-join",
        "from-os-import-kill", "path-concatenated", "base64-name", "join-of-a-list",
        "name-bound-once", "gc", "frames", "proc-path", "fork", "exec", "ctypes",
        "aliased-import-module"])
def test_evasions_are_seen_through(source: str, flag: str) -> None:
    flags = check_source(source, "katas/toy.py")
    assert any(flag in f for f in flags), flags
    assert all(f.startswith("katas/toy.py:") for f in flags)


@pytest.mark.parametrize("path", sorted(
    p.relative_to(REPO).as_posix()
    for p in [*(REPO / "tests" / "stubs").rglob("*.py"), *(REPO / "solutions").glob("*.py"),
              *(REPO / "solutions").glob("*/*.py")]
    if "mutants" not in p.parts))
def test_the_katas_own_code_raises_no_flag(path: str) -> None:
    assert check_source((REPO / path).read_text(encoding="utf-8"), path) == []


def test_a_file_that_does_not_parse_is_left_to_the_grade() -> None:
    assert check_source("def f(:\n", "katas/toy.py") == []
