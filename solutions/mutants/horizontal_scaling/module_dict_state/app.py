"""Keeps the counters in a module-level dict: each process has its own, so instances disagree."""

from __future__ import annotations

import os

from _reference.app import NAME, _error
from flask import Flask, request

COUNTERS: dict[str, int] = {}


def create_app(store_url: str) -> Flask:
    if not isinstance(store_url, str) or not store_url:
        raise ValueError(f"store_url must be a database URL, got {store_url!r}")
    app = Flask(__name__)

    def bad(name: str):
        return None if NAME.fullmatch(name) else _error(400, "bad counter name")

    @app.get("/health")
    def health():
        return {"status": "ok", "pid": os.getpid()}

    @app.get("/counters/<name>")
    def read(name: str):
        return bad(name) or {"name": name, "value": COUNTERS.get(name, 0)}

    @app.post("/counters/<name>/increment")
    def increment(name: str):
        if error := bad(name):
            return error
        COUNTERS[name] = COUNTERS.get(name, 0) + 1
        return {"name": name, "value": COUNTERS[name]}

    @app.put("/counters/<name>")
    def replace(name: str):
        if error := bad(name):
            return error
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return _error(400, "send a JSON object")
        value = body.get("value")
        if type(value) is not int or not -(2**63) <= value < 2**63:
            return _error(422, "value must be a 64-bit integer")
        COUNTERS[name] = value
        return {"name": name, "value": value}

    @app.delete("/counters/<name>")
    def delete(name: str):
        if error := bad(name):
            return error
        COUNTERS.pop(name, None)
        return "", 204

    return app
