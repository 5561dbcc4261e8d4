"""Parses the PUT body with request.get_json(): form data or text gets Flask's 415, not 400.

A counter service whose state lives in a shared database, so any instance can answer."""

from __future__ import annotations

from pathlib import Path

# This module runs the reference's source with that one piece changed.
_CHANGES = [
    (
        'body = request.get_json(silent=True)',
        (
            'try:\n'
            '            body = request.get_json()\n'
            '        except HTTPException as exc:\n'
            '            if exc.code != 415:\n'
            '                return _error(400, "invalid JSON")\n'
            '            raise'
        ),
    ),
]
_REFERENCE = Path(__file__).parents[1] / "_reference" / "app.py"
_source = _REFERENCE.read_text(encoding="utf-8")
for _right, _wrong in _CHANGES:
    if _right not in _source:
        raise RuntimeError(f"the reference no longer has {_right!r}: update this mutant")
    _source = _source.replace(_right, _wrong)
exec(compile(_source, __file__, "exec"))
