"""A fast static look at the learner's files for code that reaches into the grader.

These are warnings for the teacher, not an automatic zero: a learner may have a good reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

SUSPICIOUS_IMPORTS = {"pytest", "_pytest", "grader", "ctypes", "pluggy", "pytest_timeout"}
EXIT_CALLS = {("os", "_exit"), ("sys", "exit"), ("os", "kill"), ("os", "abort")}
PROTECTED = (
    "tests/",
    "tests\\",
    "grader/",
    "conftest",
    "pytest.ini",
    "pyproject.toml",
    "kata-manifest.json",
    "katas.toml",
)


def check_source(source: str, filename: str) -> list[str]:
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError:
        return []  # the grade already says so, with the line
    flags = []
    for node in ast.walk(tree):
        line = f"{filename}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
            for name in names:
                if name.split(".")[0] in SUSPICIOUS_IMPORTS:
                    flags.append(f"{line}: imports {name}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if isinstance(owner, ast.Name) and (owner.id, node.func.attr) in EXIT_CALLS:
                flags.append(f"{line}: calls {owner.id}.{node.func.attr}()")
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and any(p in node.value for p in PROTECTED)):
            flags.append(f"{line}: names a grader path {node.value[:60]!r}")
    return flags


def check_files(root: Path, files: list[str]) -> list[str]:
    flags = []
    for rel in files:
        try:
            source = (root / rel).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        flags.extend(check_source(source, rel))
    return flags
