"""Gunicorn settings: ``gunicorn -c gunicorn_deploy/gunicorn_conf.py gunicorn_deploy.app:app``.

Gunicorn reads the module-level names at the bottom (``bind``, ``workers``, ...) (Task 3).
Read katas/gunicorn_deploy.md, then replace each ``raise NotImplementedError`` with your code.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
MAX_WORKERS = 32


def read_host(environ: Mapping[str, str]) -> str:
    """The ``HOST`` variable (default ``DEFAULT_HOST``): an IP address or a plain hostname.

    Anything else (empty, with a port, with spaces, ...) -> ``ValueError`` naming HOST.
    """
    raise NotImplementedError("Task 3: read the host")


def read_port(environ: Mapping[str, str]) -> int:
    """The ``PORT`` variable (default ``DEFAULT_PORT``): ASCII digits, 1 to 65535.

    Anything else -> ``ValueError`` whose message names PORT and quotes the bad value.
    """
    raise NotImplementedError("Task 3: read the port")


def read_workers(environ: Mapping[str, str], cpu_count: int | None) -> int:
    """``WEB_CONCURRENCY`` (ASCII digits, 1 to ``MAX_WORKERS``) if set, else 2 x CPUs + 1.

    A ``cpu_count`` of ``None`` counts as one CPU. A bad value -> ``ValueError`` naming
    WEB_CONCURRENCY.
    """
    raise NotImplementedError("Task 3: choose the number of workers")


def format_bind(host: str, port: int) -> str:
    """``"host:port"``, with an IPv6 address in brackets: ``"[::1]:8000"``."""
    raise NotImplementedError("Task 3: format the bind address")


bind = [format_bind(read_host(os.environ), read_port(os.environ))]
workers = read_workers(os.environ, os.cpu_count())
# Task 3: also set worker_class, timeout, graceful_timeout, accesslog and errorlog.
