"""Builds a fresh JSON response for every HTTP error, so a 405 loses its Allow header.

The Flask app that Gunicorn serves: ``gunicorn gunicorn_deploy.app:app``."""

from __future__ import annotations

from pathlib import Path

# The mistake sits inside create_app(), and app.py builds its app from the environment at
# import: so this module runs the reference's source with that one piece changed.
_RIGHT = (
    '        response = exc.get_response()\n'
    '        response.data = json.dumps({"message": exc.description o'
    'r exc.name})\n'
    '        response.content_type = "application/json"\n'
    '        return response'
)
_WRONG = '        return _error(exc.code or 500, exc.description or exc.name)'
_REFERENCE = Path(__file__).parents[1] / "_reference" / "app.py"
_source = _REFERENCE.read_text(encoding="utf-8")
if _RIGHT not in _source:
    raise RuntimeError(f"the reference no longer has {_RIGHT!r}: update this mutant")
exec(compile(_source.replace(_RIGHT, _WRONG), __file__, "exec"))
