"""Never resets the failure count on a good answer: scattered failures add up to eviction.

A load balancer in process: a WSGI app that spreads requests over backend WSGI apps."""

from __future__ import annotations

from pathlib import Path

# This module runs the reference's source with that one piece changed.
_CHANGES = [
    (
        (
            '            if not failed:\n'
            '                self._fails[name] = 0\n'
            '                return'
        ),
        '            if not failed:\n                return',
    ),
]
_REFERENCE = Path(__file__).parents[1] / "_reference" / "balancer.py"
_source = _REFERENCE.read_text(encoding="utf-8")
for _right, _wrong in _CHANGES:
    if _right not in _source:
        raise RuntimeError(f"the reference no longer has {_right!r}: update this mutant")
    _source = _source.replace(_right, _wrong)
exec(compile(_source, __file__, "exec"))
