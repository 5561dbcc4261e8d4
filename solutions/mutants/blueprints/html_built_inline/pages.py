"""Builds the index page with an f-string instead of rendering the blueprint's template."""

from __future__ import annotations

import _reference.pages as ref
from _reference.pages import *

bp = Blueprint("pages", __name__, template_folder="templates", static_folder="static")


@bp.get("/")
def index() -> str:
    greeting = GREETINGS.get(request.blueprint or "", "Welcome")
    css = url_for(".static", filename="pages.css")
    return (
        f'<link rel="stylesheet" href="{css}"><h1>{greeting}</h1>'
        f'<a href="{url_for(".about")}">about</a>'
    )


bp.get("/about")(ref.about)
bp.get("/articles/<int:article_id>")(ref.article)
