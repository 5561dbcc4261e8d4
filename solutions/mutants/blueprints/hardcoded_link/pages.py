"""The index links with url_for("pages_en.about"), so /fr/ links to the English page."""

from __future__ import annotations

import _reference.pages as ref
from _reference.pages import *

bp = Blueprint("pages", __name__, template_folder="templates", static_folder="static")


@bp.get("/")
def index() -> str:
    greeting = GREETINGS.get(request.blueprint or "", "Welcome")
    return render_template(
        "pages/index.html",
        greeting=greeting,
        about_url=url_for("pages_en.about"),
        css_url=url_for(".static", filename="pages.css"),
    )


bp.get("/about")(ref.about)
bp.get("/articles/<int:article_id>")(ref.article)
