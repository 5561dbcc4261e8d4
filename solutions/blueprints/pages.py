"""Public HTML pages, mounted twice by the factory (/en and /fr), with their own template and
stylesheet."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from markupsafe import escape

ARTICLES = {1: "Blueprints", 2: "Application factories"}
GREETINGS = {"pages_en": "Welcome", "pages_fr": "Bienvenue"}

# template_folder and static_folder are relative to this module's folder. Templates of every
# blueprint (and of the app) share one namespace, so ours live under templates/pages/.
bp = Blueprint("pages", __name__, template_folder="templates", static_folder="static")


@bp.get("/")
def index() -> str:
    """GET /<lang>/ -> a greeting, this mount's stylesheet and a link to this mount's about page."""
    greeting = GREETINGS[request.blueprint]
    # ".about" and ".static" are relative to the blueprint that answered: /fr/ gets /fr/... URLs.
    return render_template(
        "pages/index.html",
        greeting=greeting,
        about_url=url_for(".about"),
        css_url=url_for(".static", filename="pages.css"),
    )


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
