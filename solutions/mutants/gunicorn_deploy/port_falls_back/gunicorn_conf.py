"""Swallows a bad PORT and silently falls back to 8000 instead of stopping with an error.

Gunicorn settings: ``gunicorn -c gunicorn_deploy/gunicorn_conf.py gunicorn_deploy.app:app``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

# Gunicorn and the tests execute this file afresh under each environment, so it executes the
# reference's source afresh too: an imported _reference.gunicorn_conf would keep stale values.
_REFERENCE = Path(__file__).parents[1] / "_reference" / "gunicorn_conf.py"
_helpers, _, _settings = _REFERENCE.read_text(encoding="utf-8").partition("\nbind = ")
exec(_helpers)  # the reference's constants and helpers


def read_port(environ: Mapping[str, str]) -> int:
    if "PORT" not in environ:
        return DEFAULT_PORT  # noqa: F821
    try:
        return int(environ["PORT"])
    except ValueError:
        return DEFAULT_PORT  # noqa: F821


exec("bind = " + _settings)  # the reference's settings, reading PORT through read_port above
