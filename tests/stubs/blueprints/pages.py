"""Public HTML pages, mounted twice by the factory (/en and /fr)."""

from __future__ import annotations

from flask import Blueprint, abort, request, url_for
from markupsafe import escape

ARTICLES = {1: "Blueprints", 2: "Application factories"}
GREETINGS = {"pages_en": "Welcome", "pages_fr": "Bienvenue"}

bp = Blueprint("pages", __name__)


def index() -> str:
    """Task 2: GET <prefix>/ -> the mount's greeting and one link to the mount's about page."""
    raise NotImplementedError("Task 2: index")


def about() -> str:
    """Task 2: GET <prefix>/about -> an HTML page."""
    raise NotImplementedError("Task 2: about")


def article(article_id: int) -> str:
    """Task 2: GET <prefix>/articles/<int:article_id> -> its title, or Flask's HTML 404."""
    raise NotImplementedError("Task 2: article")
