"""Never sends Vary: Origin, so a shared cache can serve one origin's answer to another."""

import _reference
from _reference import *
from flask import Flask

_original = _reference.init_cors


def init_cors(app: Flask, policy: CorsPolicy) -> None:
    @app.after_request  # registered first, so it runs after the reference's after_request
    def drop_vary(response):
        kept = [v for v in response.vary if v.lower() != "origin"]
        if kept:
            response.headers["Vary"] = ", ".join(kept)
        else:
            response.headers.pop("Vary", None)
        return response

    _original(app, policy)


_reference.init_cors = init_cors
