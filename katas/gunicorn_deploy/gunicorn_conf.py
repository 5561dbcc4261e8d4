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
DEFAULT_THREADS = 1
MAX_THREADS = 32
DEFAULT_TIMEOUT = 30
MAX_TIMEOUT = 300

# Every number read from the environment: surrounding whitespace (str.strip()) is ignored, the
# rest must be ASCII digits within the range; anything else -> ValueError whose message names
# the variable and quotes the bad value with repr().


def read_host(environ: Mapping[str, str]) -> str:
    """The ``HOST`` variable (default ``DEFAULT_HOST``): an IP address or a plain hostname.

    Anything else (empty, with a port, with spaces, ...) -> ``ValueError`` naming HOST.
    """
    raise NotImplementedError("Task 3: read the host")


def read_port(environ: Mapping[str, str]) -> int:
    """The ``PORT`` variable (default ``DEFAULT_PORT``): a number from 1 to 65535."""
    raise NotImplementedError("Task 3: read the port")


def read_workers(environ: Mapping[str, str], cpu_count: int | None) -> int:
    """``WEB_CONCURRENCY`` (1 to ``MAX_WORKERS``) if set, else 2 x CPUs + 1 (at most MAX_WORKERS).

    A ``cpu_count`` of ``None`` counts as one CPU.
    """
    raise NotImplementedError("Task 3: choose the number of workers")


def read_threads(environ: Mapping[str, str]) -> int:
    """``THREADS`` (default ``DEFAULT_THREADS``): threads per worker, 1 to ``MAX_THREADS``."""
    raise NotImplementedError("Task 3: read the number of threads")


def read_timeout(environ: Mapping[str, str]) -> int:
    """``TIMEOUT`` (default ``DEFAULT_TIMEOUT``): seconds, 1 to ``MAX_TIMEOUT``."""
    raise NotImplementedError("Task 3: read the worker timeout")


def format_bind(host: str, port: int) -> str:
    """``"host:port"``, with an IPv6 address in brackets: ``"[::1]:8000"``."""
    raise NotImplementedError("Task 3: format the bind address")


bind = [format_bind(read_host(os.environ), read_port(os.environ))]
workers = read_workers(os.environ, os.cpu_count())
threads = read_threads(os.environ)
timeout = read_timeout(os.environ)
# Task 3: also set worker_class ("sync" for one thread, "gthread" for more), graceful_timeout,
# accesslog and errorlog.
