"""Public HTML pages, mounted twice by the factory (/en and /fr), with their own template and
stylesheet: templates/pages/index.html and static/pages.css, beside this file."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from markupsafe import escape

ARTICLES = {1: "Blueprints", 2: "Application factories"}
GREETINGS = {"pages_en": "Welcome", "pages_fr": "Bienvenue"}

# Task 2: give the blueprint its own template and static folders.
bp = Blueprint("pages", __name__)


def index() -> str:
    """Task 2: GET <prefix>/ -> render pages/index.html with greeting, about_url and css_url,
    all three for the mount that answered."""
    raise NotImplementedError("Task 2: index")


def about() -> str:
    """Task 2: GET <prefix>/about -> an HTML page."""
    raise NotImplementedError("Task 2: about")


def article(article_id: int) -> str:
    """Task 2: GET <prefix>/articles/<int:article_id> -> its title, or Flask's HTML 404."""
    raise NotImplementedError("Task 2: article")
