"""The Flask app that Gunicorn serves: ``gunicorn gunicorn_deploy.app:app``."""

from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

GATE_ENV = "GATE_FILE"  # the file whose appearance releases GET /slow
DEFAULT_WAIT = 5.0  # seconds GET /slow waits when no ?timeout= is given
MAX_WAIT = 10.0  # the longest ?timeout= accepted: a worker must never block forever
POLL_INTERVAL = 0.01  # how often GET /slow looks for the gate file


def create_app(gate_file: str | os.PathLike[str] | None = None) -> Flask:
    """Build the app; ``GET /slow`` waits until ``gate_file`` exists (or its timeout runs out)."""
    app = Flask(__name__)
    gate = Path(gate_file) if gate_file else None

    @app.get("/health")
    def health():
        # The pid tells a client which worker process answered.
        return {"status": "ok", "pid": os.getpid()}

    @app.get("/slow")
    def slow():
        raw = request.args.get("timeout", str(DEFAULT_WAIT))
        try:
            timeout = float(raw)
        except ValueError:
            timeout = math.nan
        # float() accepts "nan" and "inf": reject them along with everything out of range.
        if not math.isfinite(timeout) or not 0 <= timeout <= MAX_WAIT:
            return _error(400, f"timeout must be a number of seconds from 0 to {MAX_WAIT:g}")
        if gate is None:
            return _error(503, f"no gate file configured (set {GATE_ENV})")
        # A sync worker is busy for the whole wait: that is exactly what the tests observe.
        deadline = time.monotonic() + timeout
        while not gate.exists() and time.monotonic() < deadline:
            time.sleep(POLL_INTERVAL)
        return {"pid": os.getpid(), "released": gate.exists()}

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        # Start from the exception's own response: it carries the headers its status needs,
        # such as Allow on a 405 (RFC 9110 requires it), then make the body JSON.
        response = exc.get_response()
        response.data = json.dumps({"message": exc.description or exc.name})
        response.content_type = "application/json"
        return response

    return app


def _error(status: int, message: str):
    return jsonify(message=message), status


# The entry point Gunicorn imports. Read the environment here, not at request time.
app = create_app(os.environ.get(GATE_ENV))
