"""Falls back to a local SQLite file without STORE_URL: each instance gets its own database.

The entry point Gunicorn imports: ``gunicorn horizontal_scaling.wsgi:app``."""

from __future__ import annotations

from pathlib import Path

# This module runs the reference's source with that one piece changed.
_CHANGES = [
    (
        'store_url = os.environ.get(STORE_ENV)\nif not store_url:',
        (
            'store_url = os.environ.get(STORE_ENV) or "sqlite:///counters.db"'
            '\n'
            'if not store_url:'
        ),
    ),
]
_REFERENCE = Path(__file__).parents[1] / "_reference" / "wsgi.py"
_source = _REFERENCE.read_text(encoding="utf-8")
for _right, _wrong in _CHANGES:
    if _right not in _source:
        raise RuntimeError(f"the reference no longer has {_right!r}: update this mutant")
    _source = _source.replace(_right, _wrong)
exec(compile(_source, __file__, "exec"))
