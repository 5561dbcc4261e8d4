"""Checks the hostname with re.match, not fullmatch, so 'evil host' passes on its prefix.

Gunicorn settings: ``gunicorn -c gunicorn_deploy/gunicorn_conf.py gunicorn_deploy.app:app``."""

from __future__ import annotations

from pathlib import Path

# Gunicorn and the tests execute this file afresh under each environment, so it runs
# the reference's source afresh too, with that one piece changed.
_RIGHT = 'if not _HOSTNAME.fullmatch(host):'
_WRONG = 'if not _HOSTNAME.match(host):'
_REFERENCE = Path(__file__).parents[1] / "_reference" / "gunicorn_conf.py"
_source = _REFERENCE.read_text(encoding="utf-8")
if _RIGHT not in _source:
    raise RuntimeError(f"the reference no longer has {_RIGHT!r}: update this mutant")
exec(compile(_source.replace(_RIGHT, _WRONG), __file__, "exec"))
