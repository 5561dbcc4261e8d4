"""Leaves accesslog unset, so Gunicorn writes no access log at all.

Gunicorn settings: ``gunicorn -c gunicorn_deploy/gunicorn_conf.py gunicorn_deploy.app:app``.
"""

from __future__ import annotations

from pathlib import Path

# Gunicorn and the tests execute this file afresh under each environment, so it executes the
# reference's source afresh too: an imported _reference.gunicorn_conf would keep stale values.
_REFERENCE = Path(__file__).parents[1] / "_reference" / "gunicorn_conf.py"
exec(_REFERENCE.read_text(encoding="utf-8"))

del accesslog  # noqa: F821 (set by the reference's source)
