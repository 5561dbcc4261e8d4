"""Forgets static_folder on the pages blueprint, so /en/static/pages.css does not exist."""

from __future__ import annotations

import _reference.pages as ref
from _reference.pages import *

bp = Blueprint("pages", __name__, template_folder="templates")


@bp.get("/")
def index() -> str:
    greeting = GREETINGS.get(request.blueprint or "", "Welcome")
    return render_template(
        "pages/index.html",
        greeting=greeting,
        about_url=url_for(".about"),
        css_url=request.blueprint.replace("pages_", "/") + "/static/pages.css",
    )


bp.get("/about")(ref.about)
bp.get("/articles/<int:article_id>")(ref.article)
