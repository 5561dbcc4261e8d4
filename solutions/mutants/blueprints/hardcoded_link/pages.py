"""The index links with url_for("pages_en.about"), so /fr/ links to the English page."""

from __future__ import annotations

import _reference.pages as ref
from _reference.pages import *

bp = Blueprint("pages", __name__)


@bp.get("/")
def index() -> str:
    greeting = GREETINGS.get(request.blueprint or "", "Welcome")
    return f'<h1>{greeting}</h1><a href="{url_for("pages_en.about")}">about</a>'


bp.get("/about")(ref.about)
bp.get("/articles/<int:article_id>")(ref.article)
