"""GET /slow sleeps for its whole timeout instead of returning as soon as the gate opens.

The Flask app that Gunicorn serves: ``gunicorn gunicorn_deploy.app:app``."""

from __future__ import annotations

from pathlib import Path

# The mistake sits inside a view that create_app() defines, and app.py builds its app from the
# environment at import: so this module runs the reference's source with that one line changed.
_RIGHT = "while not gate.exists() and time.monotonic() < deadline:"
_WRONG = "while time.monotonic() < deadline:"
_source = (Path(__file__).parents[1] / "_reference" / "app.py").read_text(encoding="utf-8")
if _RIGHT not in _source:
    raise RuntimeError(f"the reference no longer has {_RIGHT!r}: update this mutant")
exec(compile(_source.replace(_RIGHT, _WRONG), __file__, "exec"))
