"""Copies the token table with dict(), so the identities inside are still the caller's.

auth   -> /auth   who is calling (bearer tokens from the config)
admin  -> /admin  admins only (a guard on the blueprint), JSON errors (a handler on the blueprint)
pages  -> /en and /fr: one blueprint mounted twice, under two names
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from . import admin, auth, pages


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """A new app; ``config["API_TOKENS"]`` maps token -> {"user": str, "role": str}."""
    config = dict(config or {})
    tokens = config.pop("API_TOKENS", {})
    if not isinstance(tokens, Mapping):
        raise TypeError(f"API_TOKENS must be a mapping, not {type(tokens).__name__}")
    app = Flask(__name__)
    app.config.update(config)
    app.config["API_TOKENS"] = dict(tokens)  # each app owns its table
    # The blueprints carry their own url_prefix; the factory only decides what goes in.
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin.bp)
    # One blueprint, two mounts: each needs its own name, which prefixes its endpoints.
    app.register_blueprint(pages.bp, name="pages_en", url_prefix="/en")
    app.register_blueprint(pages.bp, name="pages_fr", url_prefix="/fr")
    return app
