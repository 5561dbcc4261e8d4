"""Gunicorn settings: ``gunicorn -c gunicorn_deploy/gunicorn_conf.py gunicorn_deploy.app:app``.

Gunicorn reads the module-level names below (``bind``, ``workers``, ...). Every value from the
environment is validated here so that a typo stops the server with a message naming the
variable, instead of a traceback or a server quietly listening somewhere else.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping

DEFAULT_HOST = "127.0.0.1"  # containers set HOST=0.0.0.0 to be reachable from outside
DEFAULT_PORT = 8000
MAX_WORKERS = 32  # more processes than this on one machine is a typo, not a plan
DEFAULT_THREADS = 1  # one thread per worker: the sync worker
MAX_THREADS = 32
DEFAULT_TIMEOUT = 30  # seconds a worker may stay silent before the master kills it
MAX_TIMEOUT = 300
_HOSTNAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")


def _ascii_int(name: str, raw: str, low: int, high: int) -> int:
    """``raw`` without surrounding whitespace, as plain ASCII digits from ``low`` to ``high``."""
    text = raw.strip()
    # int() would also accept "٨٠" or "８０" or "1_000": ask for plain ASCII digits.
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}, got {raw!r}")
    return int(text)


def read_host(environ: Mapping[str, str]) -> str:
    """``HOST`` (default 127.0.0.1): an IP address or a plain hostname."""
    host = environ.get("HOST", DEFAULT_HOST)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not _HOSTNAME.fullmatch(host):
            raise ValueError(
                f"HOST must be an IP address or a hostname, got {host!r}"
            ) from None
    return host


def read_port(environ: Mapping[str, str]) -> int:
    """``PORT`` (default 8000): 1-65535."""
    if "PORT" not in environ:
        return DEFAULT_PORT
    return _ascii_int("PORT", environ["PORT"], 1, 65535)


def read_workers(environ: Mapping[str, str], cpu_count: int | None) -> int:
    """``WEB_CONCURRENCY`` if set, else the usual rule of thumb: 2 x CPUs + 1."""
    if "WEB_CONCURRENCY" in environ:
        return _ascii_int("WEB_CONCURRENCY", environ["WEB_CONCURRENCY"], 1, MAX_WORKERS)
    # os.cpu_count() may return None when the count is unknown.
    return min(2 * (cpu_count or 1) + 1, MAX_WORKERS)


def read_threads(environ: Mapping[str, str]) -> int:
    """``THREADS`` (default 1): threads per worker; more than 1 means the gthread worker."""
    if "THREADS" not in environ:
        return DEFAULT_THREADS
    return _ascii_int("THREADS", environ["THREADS"], 1, MAX_THREADS)


def read_timeout(environ: Mapping[str, str]) -> int:
    """``TIMEOUT`` (default 30): seconds a worker may stay silent before it is killed."""
    if "TIMEOUT" not in environ:
        return DEFAULT_TIMEOUT
    return _ascii_int("TIMEOUT", environ["TIMEOUT"], 1, MAX_TIMEOUT)


def format_bind(host: str, port: int) -> str:
    # An IPv6 literal needs brackets, or its colons mix with the port's.
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


bind = [format_bind(read_host(os.environ), read_port(os.environ))]
workers = read_workers(os.environ, os.cpu_count())
threads = read_threads(os.environ)
# sync: one request per process at a time. gthread: `threads` requests per process, sharing
# its memory, so a worker waiting on I/O no longer blocks the others.
worker_class = "gthread" if threads > 1 else "sync"
# A sync worker silent this long (busy in one request) is killed and replaced; a gthread
# worker's main loop keeps reporting while its threads work, so only a hung process trips it.
timeout = read_timeout(os.environ)
graceful_timeout = 8  # finish in-flight requests on SIGTERM before Docker's 10 s SIGKILL
accesslog = "-"  # access log to stdout: the platform collects it
errorlog = "-"  # error log to stderr
