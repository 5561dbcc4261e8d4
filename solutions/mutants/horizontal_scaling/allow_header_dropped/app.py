"""Builds a fresh JSON response for every HTTP error, so a 405 loses its Allow header.

A counter service whose state lives in a shared database, so any instance can answer."""

from __future__ import annotations

from pathlib import Path

# This module runs the reference's source with that one piece changed.
_CHANGES = [
    (
        (
            '        response = exc.get_response()\n'
            '        response.data = json.dumps({"message": exc.description o'
            'r exc.name})\n'
            '        response.content_type = "application/json"\n'
            '        return response'
        ),
        '        return _error(exc.code or 500, exc.description or exc.name)',
    ),
]
_REFERENCE = Path(__file__).parents[1] / "_reference" / "app.py"
_source = _REFERENCE.read_text(encoding="utf-8")
for _right, _wrong in _CHANGES:
    if _right not in _source:
        raise RuntimeError(f"the reference no longer has {_right!r}: update this mutant")
    _source = _source.replace(_right, _wrong)
exec(compile(_source, __file__, "exec"))
