"""The entry point Gunicorn imports: ``gunicorn horizontal_scaling.wsgi:app``."""

from __future__ import annotations

import os

from .app import create_app

STORE_ENV = "STORE_URL"

store_url = os.environ.get(STORE_ENV)
if not store_url:
    # Refuse to start rather than give each instance a private, empty database.
    raise RuntimeError(f"set {STORE_ENV} to the shared database URL, e.g. sqlite:////data/app.db")
app = create_app(store_url)
