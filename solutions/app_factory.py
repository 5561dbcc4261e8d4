"""Flask's open choices, made explicit: reference solution.

Django decides configuration, database access, error pages and management commands for you.
Flask leaves each to you; this module decides them in one place:

- configuration in layers: ``DEFAULTS`` < the mapping given to ``create_app`` < ``KATA_*``
  environment variables, each value checked and converted to its declared type;
- a SQLAlchemy 2.0 engine per app, stored in ``app.extensions["db"]``;
- JSON error bodies for 404, 405 and 500 (and every other HTTP error);
- ``GET /health`` (liveness: never touches the database), ``GET /ready`` (readiness: runs
  ``SELECT 1``) and the ``flask init-db`` command.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import click
from flask import Flask, Response, current_app, jsonify
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

ENV_PREFIX = "KATA_"

# Read-only, so that no app can change the defaults every later app starts from.
DEFAULTS: Mapping[str, Any] = MappingProxyType(
    {
        "DATABASE_URL": "sqlite://",  # in-memory SQLite
        "PAGE_SIZE": 20,
        "SQL_ECHO": False,
        "APP_NAME": "kata",
    }
)
TYPES: Mapping[str, type] = MappingProxyType({key: type(value) for key, value in DEFAULTS.items()})
MAX_PAGE_SIZE = 1000
TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})
INTEGER = re.compile(r"[+-]?[0-9]+")

metadata = MetaData()
items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False),
)


class ConfigError(ValueError):
    """A configuration value is missing, of the wrong type, or out of range."""


def from_env(name: str, raw: str, kind: type) -> Any:
    """Convert the text of environment variable ``name`` to ``kind``."""
    value = raw.strip()  # a value read from a file often ends with a newline
    if kind is bool:
        # bool("false") is True: spell out which words mean what.
        if value.lower() in TRUE:
            return True
        if value.lower() in FALSE:
            return False
        raise ConfigError(f"{name}={raw!r}: expected one of {sorted(TRUE | FALSE)}")
    if kind is int:
        if not INTEGER.fullmatch(value):
            raise ConfigError(f"{name}={raw[:20]!r}: expected a whole number")
        try:
            return int(value)
        except ValueError:  # more than 4300 digits: Python refuses to convert them
            raise ConfigError(f"{name}: {len(value)} digits is not a sensible number") from None
    return raw


def check_type(key: str, value: Any) -> Any:
    """Values from Python code must already have the declared type (no silent conversion)."""
    kind = TYPES[key]
    # bool is a subclass of int, so True would pass isinstance(value, int).
    if type(value) is not kind:
        raise ConfigError(f"{key}={value!r}: expected {kind.__name__}, got {type(value).__name__}")
    return value


def check_ranges(settings: dict[str, Any]) -> None:
    if not 1 <= settings["PAGE_SIZE"] <= MAX_PAGE_SIZE:
        raise ConfigError(f"PAGE_SIZE={settings['PAGE_SIZE']}: expected 1 to {MAX_PAGE_SIZE}")
    if not settings["APP_NAME"].strip():
        raise ConfigError("APP_NAME: must not be blank")


def load_config(config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Merge the layers into a new dict: defaults < ``config`` < ``KATA_*`` variables."""
    settings = dict(DEFAULTS)  # a fresh copy per app
    for key, value in (config or {}).items():
        # Keys we do not own (TESTING, SECRET_KEY, an extension's settings) pass through.
        settings[key] = check_type(key, value) if key in TYPES else value
    # Read the environment now, at app creation, not once at import.
    for key, kind in TYPES.items():
        raw = os.environ.get(ENV_PREFIX + key)
        if raw is not None:
            settings[key] = from_env(ENV_PREFIX + key, raw, kind)
    check_ranges(settings)
    return settings


def make_engine(url: str, echo: bool) -> Engine:
    """An engine for ``url``, or a ConfigError that never shows the password."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            "DATABASE_URL is not a database URL; expected dialect[+driver]://user:password@host/db"
        ) from None
    shown = parsed.render_as_string(hide_password=True)
    try:
        # create_engine does not connect yet; it only loads the dialect and its driver.
        return create_engine(parsed, echo=echo)
    except (ArgumentError, ImportError) as exc:
        raise ConfigError(f"DATABASE_URL {shown!r} cannot be used: {exc}") from None


def get_engine() -> Engine:
    """The engine of the current app (inside a request or a CLI command)."""
    return current_app.extensions["db"]


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        response = error.get_response()  # keeps headers such as Allow on a 405
        response.data = app.json.dumps({"error": error.name, "message": error.description})
        response.content_type = "application/json"
        return response

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> tuple[Response, int]:
        # Flask has already logged the original exception with its traceback; the client gets
        # a fixed sentence, never the exception text, which may hold secrets.
        return jsonify(error="Internal Server Error", message="An unexpected error occurred."), 500


def register_cli(app: Flask) -> None:
    @app.cli.command("init-db")
    @click.option("--drop", is_flag=True, help="Drop the tables first (deletes every row).")
    def init_db(drop: bool) -> None:
        """Create the database tables (existing tables and rows are kept)."""
        engine = get_engine()
        try:
            if drop:
                metadata.drop_all(engine)
            metadata.create_all(engine)  # checks first: safe to run twice
        except SQLAlchemyError as exc:
            # ClickException: exit code 1 and a one-line message instead of a traceback.
            reason = getattr(exc, "orig", None) or exc
            raise click.ClickException(f"cannot initialise the database: {reason}") from exc
        click.echo("Initialised the database.")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build a new, independent app; raise ConfigError for a bad setting."""
    settings = load_config(config)
    app = Flask(__name__)
    app.config.update(settings)
    app.extensions["db"] = make_engine(settings["DATABASE_URL"], settings["SQL_ECHO"])
    register_error_handlers(app)
    register_cli(app)

    @app.get("/health")
    def health() -> tuple[Response, int]:
        # Liveness: "is this process able to answer?". It must not depend on the database, or
        # a database outage makes the orchestrator restart every healthy instance.
        return jsonify(status="ok", app=app.config["APP_NAME"]), 200

    @app.get("/ready")
    def ready() -> tuple[Response, int]:
        # Readiness: "should the load balancer send me traffic now?". Here: can we reach the
        # database? The reason goes to the log, never to the client.
        name = app.config["APP_NAME"]
        try:
            with get_engine().connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            app.logger.warning("readiness check: the database is unreachable", exc_info=True)
            return jsonify(status="unavailable", app=name, database="down"), 503
        return jsonify(status="ready", app=name, database="up"), 200

    return app
