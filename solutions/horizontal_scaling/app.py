"""A counter service whose state lives in a shared database, so any instance can answer."""

from __future__ import annotations

import json
import os
import re

from flask import Flask, jsonify, request
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.schema import CreateTable
from werkzeug.exceptions import HTTPException

NAME = re.compile(r"[a-z0-9_-]{1,64}")
MAX_VALUE = 2**63 - 1  # SQLite's INTEGER range
MIN_VALUE = -(2**63)

metadata = MetaData()
counters = Table(
    "counters",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Integer, nullable=False),
)


def create_app(store_url: str) -> Flask:
    """Build one instance. Every instance given the same ``store_url`` sees the same counters."""
    if not isinstance(store_url, str) or not store_url:
        raise ValueError(f"store_url must be a database URL, got {store_url!r}")
    engine = create_engine(store_url)
    create_schema(engine)
    app = Flask(__name__)

    def checked(name: str) -> str:
        if not NAME.fullmatch(name):
            raise _Invalid(400, "counter names are 1-64 characters of a-z, 0-9, '_' and '-'")
        return name

    @app.get("/health")
    def health():
        # Liveness only: no database query. If the shared store is down, every instance would
        # report unhealthy at once, and a restart or an eviction of them all fixes nothing.
        return {"status": "ok", "pid": os.getpid()}

    @app.get("/counters/<name>")
    def read(name: str):
        with engine.connect() as conn:
            value = conn.scalar(select(counters.c.value).where(counters.c.name == checked(name)))
        return {"name": name, "value": value or 0}

    @app.post("/counters/<name>/increment")
    def increment(name: str):
        # One atomic statement: two instances incrementing at once never lose an update.
        stmt = insert(counters).values(name=checked(name), value=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=[counters.c.name], set_={"value": counters.c.value + 1}
        ).returning(counters.c.value)
        with engine.begin() as conn:
            value = conn.scalar(stmt)
        return {"name": name, "value": value}

    @app.put("/counters/<name>")
    def replace(name: str):
        checked(name)
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return _error(400, "send a JSON object such as {\"value\": 3}")
        value = body.get("value")
        # bool is an int subclass: True must not become 1.
        if type(value) is not int or not MIN_VALUE <= value <= MAX_VALUE:
            return _error(422, "value must be a 64-bit integer")
        stmt = insert(counters).values(name=name, value=value)
        stmt = stmt.on_conflict_do_update(index_elements=[counters.c.name], set_={"value": value})
        with engine.begin() as conn:
            conn.execute(stmt)
        return {"name": name, "value": value}

    @app.delete("/counters/<name>")
    def delete(name: str):
        with engine.begin() as conn:
            conn.execute(counters.delete().where(counters.c.name == checked(name)))
        return "", 204

    @app.errorhandler(_Invalid)
    def invalid(exc: _Invalid):
        return _error(exc.status, exc.message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        # Keep the exception's own headers (Allow on a 405, which RFC 9110 requires).
        response = exc.get_response()
        response.data = json.dumps({"message": exc.description or exc.name})
        response.content_type = "application/json"
        return response

    return app


def create_schema(engine) -> None:
    """Create the tables unless they exist, in one statement each.

    ``metadata.create_all`` first asks whether a table exists and then creates it: two steps.
    Two instances starting at once on a new database both see "no table", both send CREATE
    TABLE, and the second fails ("table counters already exists"); under Gunicorn that worker
    cannot boot and the server exits with code 3. ``CREATE TABLE IF NOT EXISTS`` decides inside
    the database, atomically. (In production, run migrations once, before the new instances
    start, rather than at every boot.)
    """
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            conn.execute(CreateTable(table, if_not_exists=True))


class _Invalid(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _error(status: int, message: str):
    return jsonify(message=message), status
