"""/ready puts the database error's text in its 503 body."""

import _reference
from _reference import *
from flask import Flask, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError


def create_app(config=None) -> Flask:
    app = _reference.create_app(config)

    def ready():
        name = app.config["APP_NAME"]
        try:
            with app.extensions["db"].connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            return jsonify(status="unavailable", app=name, database=str(exc.orig)), 503
        return jsonify(status="ready", app=name, database="up"), 200

    app.view_functions["ready"] = ready
    return app
