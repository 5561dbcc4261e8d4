"""The Flask app that Gunicorn serves: ``gunicorn gunicorn_deploy.app:app`` (Task 1).

Read katas/gunicorn_deploy.md, then replace each ``raise NotImplementedError`` with your code.
"""

from __future__ import annotations

import os

from flask import Flask

GATE_ENV = "GATE_FILE"  # the file whose appearance releases GET /slow
DEFAULT_WAIT = 5.0  # seconds GET /slow waits when no ?timeout= is given
MAX_WAIT = 10.0  # the longest ?timeout= accepted: a worker must never block forever


def create_app(gate_file: str | os.PathLike[str] | None = None) -> Flask:
    """Build a new Flask app (Task 1).

    - ``GET /health`` -> 200 ``{"status": "ok", "pid": os.getpid()}``.
    - ``GET /slow?timeout=<seconds>`` (default 5) waits until the file ``gate_file`` exists or
      the timeout runs out, then -> 200 ``{"pid": os.getpid(), "released": <gate exists>}``.
      A timeout that is not a finite number from 0 to 10 -> 400; no ``gate_file`` -> 503.
    - Every error (400, 404, 405, 503, ...) has a JSON body ``{"message": "..."}``; a 405 keeps
      the ``Allow`` header that Flask computes.
    """
    raise NotImplementedError("Task 1: build the Flask app with /health and /slow")


# The entry point Gunicorn imports: the app built with the gate file named by $GATE_FILE.
app = None  # Task 1: replace with create_app(os.environ.get(GATE_ENV))
