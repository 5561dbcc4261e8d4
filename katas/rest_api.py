"""A RESTful ``/users`` resource in Flask.

Read katas/rest_api.md, then replace each ``raise NotImplementedError`` with your code.
"""

from __future__ import annotations

from flask import Flask

DEFAULT_PER_PAGE = 10  # GET /users without ?per_page=
MAX_PER_PAGE = 100  # the largest ?per_page= accepted
MAX_USERNAME = 50  # the longest username accepted (after stripping spaces)


def create_app() -> Flask:
    """Build a new Flask app serving the ``/users`` resource (Tasks 1-4).

    - ``POST /users`` (JSON ``{"username": str, "email": str}``) -> 201, the user
      ``{"id": int, "username": ..., "email": ...}`` and ``Location: /users/<id>``.
    - ``GET /users/<id>`` -> 200 and the user; ``PUT /users/<id>`` -> 200 and the replaced user;
      ``DELETE /users/<id>`` -> 204 with an empty body.
    - ``GET /users?page=&per_page=`` -> 200 ``{"items", "page", "per_page", "total"}``.
    - Errors: 400, 404, 405 (with ``Allow``), 409, 415, 422, each with a JSON body holding a
      ``"message"``. Each app keeps its own users; no route sets a cookie.
    """
    raise NotImplementedError("Task 1: build the Flask app and its /users routes")
