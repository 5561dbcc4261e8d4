"""Public HTML pages, mounted twice by the factory (/en and /fr)."""

from __future__ import annotations

from flask import Blueprint, abort, request, url_for
from markupsafe import escape

ARTICLES = {1: "Blueprints", 2: "Application factories"}
GREETINGS = {"pages_en": "Welcome", "pages_fr": "Bienvenue"}

bp = Blueprint("pages", __name__)


@bp.get("/")
def index() -> str:
    """GET /<lang>/ -> a greeting and a link to this mount's about page."""
    greeting = GREETINGS.get(request.blueprint or "", "Welcome")
    # ".about": relative to the blueprint that answered, so /fr/ links to /fr/about.
    return f'<h1>{greeting}</h1><a href="{url_for(".about")}">about</a>'


@bp.get("/about")
def about() -> str:
    """GET /<lang>/about."""
    return "<h1>About</h1>"


@bp.get("/articles/<int:article_id>")
def article(article_id: int) -> str:
    """GET /<lang>/articles/<id>; an unknown id is Flask's default HTML 404."""
    title = ARTICLES.get(article_id)
    if title is None:
        abort(404)
    return f"<h1>{escape(title)}</h1>"
