"""/health queries the database and answers 503 when it is down (liveness tied to a dependency)."""

import _reference
from _reference import *
from flask import Flask, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError


def create_app(config=None) -> Flask:
    app = _reference.create_app(config)

    def health():
        name = app.config["APP_NAME"]
        try:
            with app.extensions["db"].connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return jsonify(status="unavailable", app=name, database="unreachable"), 503
        return jsonify(status="ok", app=name, database="ok"), 200

    app.view_functions["health"] = health
    return app
