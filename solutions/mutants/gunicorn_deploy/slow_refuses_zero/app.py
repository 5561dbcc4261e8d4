"""Refuses ?timeout=0 with a strict comparison, although 0 is inside the range 0 to 10.

The Flask app that Gunicorn serves: ``gunicorn gunicorn_deploy.app:app``."""

from __future__ import annotations

from pathlib import Path

# The mistake sits inside create_app(), and app.py builds its app from the environment at
# import: so this module runs the reference's source with that one piece changed.
_RIGHT = 'not 0 <= timeout <= MAX_WAIT'
_WRONG = 'not 0 < timeout <= MAX_WAIT'
_REFERENCE = Path(__file__).parents[1] / "_reference" / "app.py"
_source = _REFERENCE.read_text(encoding="utf-8")
if _RIGHT not in _source:
    raise RuntimeError(f"the reference no longer has {_RIGHT!r}: update this mutant")
exec(compile(_source.replace(_RIGHT, _WRONG), __file__, "exec"))
