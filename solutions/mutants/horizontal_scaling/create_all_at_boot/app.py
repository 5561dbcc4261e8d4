"""Creates the table with metadata.create_all(), which checks and then creates.

Two instances starting at once on a new database collide: the second fails to boot.

A counter service whose state lives in a shared database, so any instance can answer."""

from __future__ import annotations

from pathlib import Path

# This module runs the reference's source with that one piece changed.
_CHANGES = [
    (
        '    create_schema(engine)\n',
        '    metadata.create_all(engine)\n',
    ),
]
_REFERENCE = Path(__file__).parents[1] / "_reference" / "app.py"
_source = _REFERENCE.read_text(encoding="utf-8")
for _right, _wrong in _CHANGES:
    if _right not in _source:
        raise RuntimeError(f"the reference no longer has {_right!r}: update this mutant")
    _source = _source.replace(_right, _wrong)
exec(compile(_source, __file__, "exec"))
