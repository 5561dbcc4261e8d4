"""An app assembled from blueprints: auth (/auth), admin (/admin), pages (/en and /fr).

Read katas/blueprints.md, then replace each `raise NotImplementedError` with your code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from . import admin, auth, pages


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Task 1: a new app; config["API_TOKENS"] maps token -> {"user": str, "role": str}.

    TypeError when API_TOKENS is not a mapping. Registers auth.bp and admin.bp (Tasks 1 and
    3), and pages.bp twice: as "pages_en" under /en and as "pages_fr" under /fr (Task 2).
    """
    raise NotImplementedError("Task 1: create_app")
