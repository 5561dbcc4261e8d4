"""The pages blueprint is mounted once, under its own name: /fr and pages_fr.* are missing."""

from __future__ import annotations

import copy
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
    app.config["API_TOKENS"] = copy.deepcopy(dict(tokens))  # each app owns its table
    # The blueprints carry their own url_prefix; the factory only decides what goes in.
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(pages.bp, url_prefix="/en")
    return app
