"""Hard-codes workers = 3 (the bank's `--workers 3`) and ignores WEB_CONCURRENCY and the CPUs.

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


def read_workers(environ: Mapping[str, str], cpu_count: int | None) -> int:
    return 3  # WEB_CONCURRENCY and the CPUs are never looked at


exec("bind = " + _settings)  # the reference's settings, workers from read_workers above
