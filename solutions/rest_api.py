"""A RESTful ``/users`` resource in Flask: reference solution.

Each app built by :func:`create_app` owns its own in-memory store, so two apps (two tests, two
workers) never see each other's data. Every error is JSON with an ``error`` and a ``message``; no
route touches the session, so no response sets a cookie: each request carries everything the
server needs. ``GET /users/<id>`` sends an ETag; ``If-None-Match`` gives 304 and ``If-Match`` on a
PUT gives 412 when someone else changed the user first.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, jsonify, request, url_for
from werkzeug.datastructures import ETags
from werkzeug.exceptions import HTTPException

DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100
MAX_USERNAME = 50
MAX_PAGE = 1_000_000
FIELDS = ("username", "email")
# Deliberately simple: one "@", something on each side, no whitespace.
EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
# ASCII digits only: str.isdecimal() and int() also accept "５" (full width) and "١" (Arabic-Indic).
DIGITS = re.compile(r"[0-9]+")


class ApiError(Exception):
    """An error the client caused; turned into a JSON response by the error handler."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class UserStore:
    """Users of one app. A lock, because a threaded server may run two requests at once."""

    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    next_id: int = 1
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _check_unique(self, data: dict[str, str], ignore_id: int | None = None) -> None:
        for user in self.users.values():
            if user["id"] == ignore_id:
                continue
            for name in FIELDS:
                # Compare case-insensitively: "Ann@Example.com" is the same mailbox as "ann@...".
                if user[name].casefold() == data[name].casefold():
                    raise ApiError(409, f"a user with this {name} already exists")

    def create(self, data: dict[str, str]) -> dict[str, Any]:
        with self.lock:
            self._check_unique(data)
            user = {"id": self.next_id, **data}
            self.users[self.next_id] = user
            self.next_id += 1
            return dict(user)

    def get(self, user_id: int) -> dict[str, Any]:
        with self.lock:
            if user_id not in self.users:
                raise ApiError(404, f"no user with id {user_id}")
            return dict(self.users[user_id])

    def replace(
        self, user_id: int, if_match: ETags, read_body: Callable[[], dict[str, str]]
    ) -> dict[str, Any]:
        """Replace a user, in the order RFC 9110 asks: 404, then the precondition, then the body.

        All under the lock, so that no other request changes the user between the If-Match
        check and the write.
        """
        with self.lock:
            if user_id not in self.users:
                raise ApiError(404, f"no user with id {user_id}")
            # If-Match uses the strong comparison: W/"..." never matches, "*" matches any user.
            if if_match and not if_match.contains(etag_of(self.users[user_id])):
                raise ApiError(412, "the user was changed since you read it: GET it again")
            data = read_body()
            self._check_unique(data, ignore_id=user_id)
            user = {"id": user_id, **data}
            self.users[user_id] = user
            return dict(user)

    def delete(self, user_id: int) -> None:
        with self.lock:
            if self.users.pop(user_id, None) is None:
                raise ApiError(404, f"no user with id {user_id}")

    def page(self, page: int, per_page: int) -> tuple[list[dict[str, Any]], int]:
        with self.lock:
            ordered = sorted(self.users.values(), key=lambda u: u["id"])
            start = (page - 1) * per_page
            return [dict(u) for u in ordered[start : start + per_page]], len(ordered)


def read_user_body() -> dict[str, str]:
    """The validated JSON body of a create or replace request, or an ApiError."""
    if not request.is_json:
        raise ApiError(415, "send the body as JSON with Content-Type: application/json")
    # silent=True returns None for malformed JSON instead of raising an HTML 400.
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, "the request body is not valid JSON")
    if not isinstance(data, dict):
        raise ApiError(422, f"the body must be a JSON object, not {type(data).__name__}")
    problems = [f"unknown field {name!r}" for name in data if name not in FIELDS]
    for name in FIELDS:
        value = data.get(name)
        if name not in data:
            problems.append(f"{name} is required")
        elif not isinstance(value, str):
            problems.append(f"{name} must be a string, not {type(value).__name__}")
    if not problems:
        username, email = data["username"].strip(), data["email"].strip()
        if not 1 <= len(username) <= MAX_USERNAME:
            problems.append(f"username must be 1 to {MAX_USERNAME} characters")
        if not EMAIL.fullmatch(email):
            problems.append("email must look like name@domain")
    if problems:
        raise ApiError(422, "; ".join(problems))
    return {"username": username, "email": email}


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """A query-string integer within [low, high], or a 400."""
    raw = request.args.get(name)
    if raw is None:
        return default
    # fullmatch of [0-9]+ refuses "-1", "1.5", " 2", "" and non-ASCII digits, which int() would
    # partly accept. The length check keeps int() away from a 5,000-digit string (ValueError).
    if not DIGITS.fullmatch(raw) or len(raw) > len(str(high)) or not low <= int(raw) <= high:
        raise ApiError(400, f"{name} must be an integer from {low} to {high}, got {raw[:20]!r}")
    return int(raw)


def etag_of(user: dict[str, Any]) -> str:
    """A strong entity tag for this version of the user: a hash of its JSON (unquoted)."""
    return hashlib.sha256(json.dumps(user).encode()).hexdigest()


def create_app() -> Flask:
    app = Flask(__name__)
    store = UserStore()  # one per app: nothing shared at module level
    app.extensions["users"] = store

    @app.errorhandler(ApiError)
    def api_error(error: ApiError) -> tuple[Response, int]:
        return jsonify(error=HTTPStatus(error.status).phrase, message=error.message), error.status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        # get_response() keeps the headers werkzeug chose, e.g. Allow on a 405.
        response = error.get_response()
        response.data = app.json.dumps({"error": error.name, "message": error.description})
        response.content_type = "application/json"
        return response

    @app.get("/users")
    def list_users() -> Response:
        page = int_arg("page", 1, 1, MAX_PAGE)
        per_page = int_arg("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
        items, total = store.page(page, per_page)
        return jsonify(items=items, page=page, per_page=per_page, total=total)

    @app.post("/users")
    def create_user() -> tuple[Response, int, dict[str, str]]:
        user = store.create(read_user_body())
        return jsonify(user), 201, {"Location": url_for("get_user", user_id=user["id"])}

    @app.get("/users/<int:user_id>")
    def get_user(user_id: int) -> Response:
        user = store.get(user_id)
        response = jsonify(user)
        response.set_etag(etag_of(user))
        # If-None-Match (a list, "*", weak comparison) matching the tag turns this into a 304.
        return response.make_conditional(request)

    @app.put("/users/<int:user_id>")
    def replace_user(user_id: int) -> Response:
        user = store.replace(user_id, request.if_match, read_user_body)
        response = jsonify(user)
        response.set_etag(etag_of(user))
        return response

    @app.delete("/users/<int:user_id>")
    def delete_user(user_id: int) -> tuple[str, int]:
        store.delete(user_id)
        return "", 204

    return app
