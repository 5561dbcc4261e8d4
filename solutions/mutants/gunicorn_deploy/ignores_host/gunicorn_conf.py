"""Formats the bind as host:port even for IPv6, giving '::1:8081' instead of '[::1]:8081'.

Gunicorn settings: ``gunicorn -c gunicorn_deploy/gunicorn_conf.py gunicorn_deploy.app:app``.
"""

from __future__ import annotations

from pathlib import Path

# Gunicorn and the tests execute this file afresh under each environment, so it executes the
# reference's source afresh too: an imported _reference.gunicorn_conf would keep stale values.
_REFERENCE = Path(__file__).parents[1] / "_reference" / "gunicorn_conf.py"
_helpers, _, _settings = _REFERENCE.read_text(encoding="utf-8").partition("\nbind = ")
exec(_helpers)  # the reference's constants and helpers


def format_bind(host: str, port: int) -> str:
    return f"{host}:{port}"


exec("bind = " + _settings)  # the reference's settings, binding through format_bind above
