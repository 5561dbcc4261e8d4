"""Tests for the rest_api kata: a RESTful /users resource in Flask."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rest_api import create_app

ANN = {"username": "ann", "email": "ann@example.com"}
BOB = {"username": "bob", "email": "bob@example.com"}


@pytest.fixture
def app() -> Flask:
    return create_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def show(resp) -> str:
    """A short description of a response for failure messages."""
    body = resp.get_data(as_text=True)
    return f"{resp.status} {body[:200]!r}"


def assert_json_error(resp, status: int, what: str) -> None:
    assert resp.status_code == status, f"{what} returned {show(resp)}; expected status {status}"
    assert resp.is_json, (
        f"{what} returned Content-Type {resp.content_type!r}; expected a JSON error body"
    )
    body = resp.get_json()
    assert isinstance(body, dict) and isinstance(body.get("message"), str) and body["message"], (
        f"{what} returned the body {body!r}; expected a JSON object with a non-empty 'message'"
    )


def create(client: FlaskClient, user: dict) -> dict:
    resp = client.post("/users", json=user)
    assert resp.status_code == 201, f"POST /users {user!r} returned {show(resp)}; expected 201"
    return resp.get_json()


# Task 1 — create and fetch a user


@pytest.mark.task(1)
def test_post_creates_a_user_with_201_and_a_location_header(client: FlaskClient) -> None:
    resp = client.post("/users", json=ANN)
    assert resp.status_code == 201, f"POST /users {ANN!r} returned {show(resp)}; expected 201"
    body = resp.get_json()
    assert body == {"id": 1, **ANN}, f"POST /users returned {body!r}; expected {{'id': 1, **ANN}}"
    location = resp.headers.get("Location")
    assert location is not None, "POST /users returned no Location header; expected /users/1"
    assert urlsplit(location).path == "/users/1", (
        f"POST /users returned Location {location!r}; expected it to point at /users/1"
    )


@pytest.mark.task(1)
def test_the_location_header_leads_to_the_new_user(client: FlaskClient) -> None:
    create(client, ANN)
    resp = client.post("/users", json=BOB)
    location = resp.headers.get("Location", "")
    got = client.get(urlsplit(location).path)
    assert got.status_code == 200, f"GET {location!r} returned {show(got)}; expected 200"
    assert got.get_json() == {"id": 2, **BOB}, (
        f"GET {location!r} returned {got.get_json()!r}; expected {{'id': 2, **BOB}}"
    )


@pytest.mark.task(1)
@pytest.mark.parametrize("path", ["/users/99", "/users/0", "/nowhere", "/users/abc"])
def test_an_unknown_user_or_url_is_a_json_404(client: FlaskClient, path: str) -> None:
    create(client, ANN)
    assert_json_error(client.get(path), 404, f"GET {path}")


@pytest.mark.task(1)
def test_two_apps_share_no_users() -> None:
    first, second = create_app().test_client(), create_app().test_client()
    create(first, ANN)
    resp = second.get("/users/1")
    assert resp.status_code == 404, (
        f"after creating a user in one app, GET /users/1 on a second app returned {show(resp)};"
        " expected 404: keep the users inside the app created by create_app(), not in a global"
    )
    created = create(second, BOB)
    assert created["id"] == 1, f"the first user of a fresh app got id {created['id']}; expected 1"


# Task 2 — reject bad requests


@pytest.mark.task(2)
@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ('{"username": "ann", "email": "ann@example.com"}', "text/plain"),
        ("username=ann&email=ann%40example.com", "application/x-www-form-urlencoded"),
        (None, None),
    ],
    ids=["text-plain", "form", "no-body"],
)
def test_a_body_that_is_not_declared_as_json_is_415(
    client: FlaskClient, data: str | None, content_type: str | None
) -> None:
    resp = client.post("/users", data=data, content_type=content_type)
    assert_json_error(resp, 415, f"POST /users with Content-Type {content_type!r}")
    assert client.get("/users").get_json()["total"] == 0, "a rejected POST must store nothing"


@pytest.mark.task(2)
@pytest.mark.parametrize("raw", ['{"username": "ann", ', "", "{'username': 'ann'}", "nul"])
def test_malformed_json_is_400(client: FlaskClient, raw: str) -> None:
    resp = client.post("/users", data=raw, content_type="application/json")
    assert_json_error(resp, 400, f"POST /users with the malformed JSON body {raw!r}")


@pytest.mark.task(2)
@pytest.mark.parametrize(
    "body",
    [
        {"username": 123, "email": "ann@example.com"},
        {"username": "ann", "email": None},
        {"username": True, "email": "ann@example.com"},
        {"username": ["ann"], "email": "ann@example.com"},
        {"username": "ann"},
        {},
        {"username": "ann", "email": "ann@example.com", "is_admin": True},
        ["ann", "ann@example.com"],
        "ann",
        42,
    ],
)
def test_valid_json_with_wrong_fields_or_types_is_422(client: FlaskClient, body: object) -> None:
    resp = client.post("/users", json=body)
    assert_json_error(resp, 422, f"POST /users with the JSON body {body!r}")
    assert client.get("/users").get_json()["total"] == 0, "a rejected POST must store nothing"


@pytest.mark.task(2)
@pytest.mark.parametrize(
    "body",
    [
        {"username": "", "email": "ann@example.com"},
        {"username": "   ", "email": "ann@example.com"},
        {"username": "x" * 51, "email": "ann@example.com"},
        {"username": "ann", "email": "not-an-email"},
        {"username": "ann", "email": "ann@@example.com"},
        {"username": "ann", "email": "ann @example.com"},
    ],
    ids=["empty-name", "blank-name", "long-name", "no-at", "two-ats", "space"],
)
def test_invalid_field_values_are_422(client: FlaskClient, body: dict) -> None:
    resp = client.post("/users", json=body)
    assert_json_error(resp, 422, f"POST /users with {body!r}")


@pytest.mark.task(2)
@pytest.mark.parametrize(
    "duplicate",
    [
        {"username": "ann", "email": "other@example.com"},
        {"username": "other", "email": "ann@example.com"},
        {"username": "ANN", "email": "other@example.com"},
        {"username": "other", "email": "Ann@Example.COM"},
    ],
    ids=["same-name", "same-email", "name-other-case", "email-other-case"],
)
def test_a_duplicate_username_or_email_is_409(client: FlaskClient, duplicate: dict) -> None:
    create(client, ANN)
    resp = client.post("/users", json=duplicate)
    assert_json_error(resp, 409, f"POST /users {duplicate!r} after creating {ANN!r}")
    total = client.get("/users").get_json()["total"]
    assert total == 1, f"after a rejected duplicate, GET /users reports total={total}; expected 1"


# Task 3 — list users, one page at a time


@pytest.mark.task(3)
def test_the_list_holds_users_in_id_order_with_default_paging(client: FlaskClient) -> None:
    create(client, ANN)
    create(client, BOB)
    resp = client.get("/users")
    assert resp.status_code == 200, f"GET /users returned {show(resp)}; expected 200"
    want = {"items": [{"id": 1, **ANN}, {"id": 2, **BOB}], "page": 1, "per_page": 10, "total": 2}
    assert resp.get_json() == want, f"GET /users returned {resp.get_json()!r}; expected {want!r}"


@pytest.mark.task(3)
def test_pagination_splits_users_into_pages(client: FlaskClient) -> None:
    for n in range(1, 26):
        create(client, {"username": f"user{n}", "email": f"user{n}@example.com"})
    for page, ids in [(1, range(1, 11)), (2, range(11, 21)), (3, range(21, 26)), (4, [])]:
        resp = client.get(f"/users?page={page}&per_page=10")
        body = resp.get_json()
        assert resp.status_code == 200, f"GET /users?page={page} returned {show(resp)}"
        got = [u["id"] for u in body["items"]]
        assert got == list(ids), (
            f"GET /users?page={page}&per_page=10 with 25 users returned ids {got}; "
            f"expected {list(ids)}"
        )
        assert body["total"] == 25, f"GET /users?page={page} reported total={body['total']}"
    body = client.get("/users?per_page=100").get_json()
    assert len(body["items"]) == 25, "GET /users?per_page=100 should return all 25 users"


@pytest.mark.task(3)
@pytest.mark.parametrize(
    "query",
    ["page=0", "page=-1", "page=abc", "page=", "page=1.5", "per_page=0", "per_page=101",
     "per_page=-5", "per_page=ten", "page=2&per_page=1e3"],
)
def test_bad_pagination_values_are_400(client: FlaskClient, query: str) -> None:
    create(client, ANN)
    assert_json_error(client.get(f"/users?{query}"), 400, f"GET /users?{query}")


# Task 4 — replace, delete, and the rest of HTTP


@pytest.mark.task(4)
def test_put_replaces_the_whole_user(client: FlaskClient) -> None:
    create(client, ANN)
    new = {"username": "annie", "email": "annie@example.com"}
    resp = client.put("/users/1", json=new)
    assert resp.status_code == 200, f"PUT /users/1 {new!r} returned {show(resp)}; expected 200"
    assert resp.get_json() == {"id": 1, **new}, f"PUT /users/1 returned {resp.get_json()!r}"
    got = client.get("/users/1").get_json()
    assert got == {"id": 1, **new}, f"GET /users/1 after the PUT returned {got!r}"


@pytest.mark.task(4)
def test_put_checks_existence_duplicates_and_the_body(client: FlaskClient) -> None:
    create(client, ANN)
    create(client, BOB)
    assert_json_error(client.put("/users/9", json=BOB), 404, "PUT /users/9 (no such user)")
    assert_json_error(client.put("/users/2", json=ANN), 409, "PUT /users/2 with ann's fields")
    assert_json_error(client.put("/users/2", json={"username": "bob"}), 422,
                      "PUT /users/2 without email (PUT replaces: every field is required)")
    assert_json_error(client.put("/users/2", data="x", content_type="text/plain"), 415,
                      "PUT /users/2 with text/plain")
    assert_json_error(client.put("/users/2", data="{", content_type="application/json"), 400,
                      "PUT /users/2 with malformed JSON")
    same = {"username": "bob", "email": "BOB@example.com"}
    resp = client.put("/users/2", json=same)
    assert resp.status_code == 200, (
        f"PUT /users/2 {same!r} (bob keeping his own email) returned {show(resp)}; expected 200"
    )


@pytest.mark.task(4)
def test_delete_is_204_with_an_empty_body_and_the_user_is_gone(client: FlaskClient) -> None:
    create(client, ANN)
    resp = client.delete("/users/1")
    assert resp.status_code == 204, f"DELETE /users/1 returned {show(resp)}; expected 204"
    assert resp.get_data() == b"", f"DELETE /users/1 returned the body {resp.get_data()!r}"
    assert client.get("/users/1").status_code == 404, "GET /users/1 after DELETE should be 404"
    assert_json_error(client.delete("/users/1"), 404, "a second DELETE /users/1")


@pytest.mark.task(4)
@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/users", {"GET", "POST"}),
        ("PUT", "/users", {"GET", "POST"}),
        ("PATCH", "/users/1", {"GET", "PUT", "DELETE"}),
        ("POST", "/users/1", {"GET", "PUT", "DELETE"}),
    ],
)
def test_an_unsupported_method_is_405_with_an_allow_header(
    client: FlaskClient, method: str, path: str, allowed: set[str]
) -> None:
    create(client, ANN)
    resp = client.open(path, method=method, json=BOB)
    assert_json_error(resp, 405, f"{method} {path}")
    allow = {m.strip() for m in resp.headers.get("Allow", "").split(",") if m.strip()}
    assert allowed <= allow, (
        f"{method} {path} returned Allow: {resp.headers.get('Allow')!r}; expected it to list "
        f"{sorted(allowed)}"
    )


@pytest.mark.task(4)
def test_no_route_sets_a_cookie(client: FlaskClient) -> None:
    calls = [
        ("POST", "/users", ANN),
        ("GET", "/users", None),
        ("GET", "/users/1", None),
        ("PUT", "/users/1", BOB),
        ("POST", "/users", BOB),
        ("DELETE", "/users/1", None),
        ("GET", "/users/1", None),
    ]
    for method, path, body in calls:
        resp = client.open(path, method=method, json=body)
        cookies = resp.headers.getlist("Set-Cookie")
        assert not cookies, (
            f"{method} {path} set the cookie(s) {cookies!r}; a REST API is stateless: "
            "keep nothing in flask.session"
        )
