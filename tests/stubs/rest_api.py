"""A RESTful ``/users`` resource in Flask.

Read katas/rest_api.md, then replace each ``raise NotImplementedError`` with your code.
"""

from __future__ import annotations

from flask import Flask

DEFAULT_PER_PAGE = 10  # GET /users without ?per_page=
MAX_PER_PAGE = 100  # the largest ?per_page= accepted
MAX_USERNAME = 50  # the longest username accepted (after stripping whitespace)
MAX_PAGE = 1_000_000  # the largest ?page= accepted


def create_app() -> Flask:
    """Build a new Flask app serving the ``/users`` resource (Tasks 1-5).

    - ``POST /users`` (JSON ``{"username": str, "email": str}``) -> 201, the user
      ``{"id": int, "username": ..., "email": ...}`` and ``Location: /users/<id>``.
    - ``GET /users/<id>`` -> 200, the user and an ``ETag``; ``PUT /users/<id>`` -> 200 and the
      replaced user; ``DELETE /users/<id>`` -> 204 with an empty body.
    - ``GET /users?page=&per_page=`` -> 200 ``{"items", "page", "per_page", "total"}``.
    - ``If-None-Match`` on GET -> 304; a stale ``If-Match`` on PUT -> 412.
    - Errors: 400, 404, 405 (with ``Allow``), 409, 412, 415, 422, each with the JSON body
      ``{"error": <reason phrase>, "message": <non-empty str>}``. Each app keeps its own users;
      no route sets a cookie.
    """
    raise NotImplementedError("Task 1: build the Flask app and its /users routes")
