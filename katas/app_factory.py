"""Flask's open choices, made explicit: config, database engine, JSON errors, health, CLI.

Read katas/app_factory.md, then replace each ``raise NotImplementedError`` with your code.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from flask import Flask
from sqlalchemy import Column, Integer, MetaData, String, Table

ENV_PREFIX = "KATA_"

# The lowest layer of configuration. Read-only: build each app's settings in a new dict.
DEFAULTS: Mapping[str, Any] = MappingProxyType(
    {
        "DATABASE_URL": "sqlite://",  # in-memory SQLite
        "PAGE_SIZE": 20,  # int, 1 to 1000
        "SQL_ECHO": False,  # bool, passed to create_engine(echo=...)
        "APP_NAME": "kata",  # str, not blank
    }
)

# The tables `flask init-db` creates (Task 4).
metadata = MetaData()
items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False),
)


class ConfigError(ValueError):
    """A configuration value is missing, of the wrong type, or out of range."""


def load_config(config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A suggested helper (Task 1): defaults < ``config`` < ``KATA_*`` environment variables.

    Returns a new dict; raises ConfigError naming the setting for any bad value.
    """
    raise NotImplementedError("Task 1: merge and check the configuration layers")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build a new, independent app (Tasks 1-4).

    - ``app.config`` holds the merged settings (Task 1);
    - ``app.extensions["db"]`` is a SQLAlchemy Engine for DATABASE_URL; ``GET /health``
      (liveness, no database) and ``GET /ready`` (readiness, ``SELECT 1``) (Task 2);
    - JSON bodies for 404, 405 (keeping ``Allow``) and 500 (Task 3);
    - the ``flask init-db [--drop]`` command (Task 4).
    """
    raise NotImplementedError("Task 1: build the app from the merged configuration")
