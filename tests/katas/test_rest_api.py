"""Tests for the rest_api kata: a RESTful /users resource in Flask."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rest_api import create_app

ANN = {"username": "ann", "email": "ann@example.com"}
BOB = {"username": "bob", "email": "bob@example.com"}

PHRASES = {
    400: {"Bad Request"},
    404: {"Not Found"},
    405: {"Method Not Allowed"},
    409: {"Conflict"},
    412: {"Precondition Failed"},
    415: {"Unsupported Media Type"},
    # RFC 9110 renamed 422; Python 3.13's HTTPStatus uses the new name, werkzeug the old one.
    422: {"Unprocessable Entity", "Unprocessable Content"},
}
STRONG_ETAG = re.compile(r'"[\x21\x23-\x7e\x80-\xff]*"')


@pytest.fixture
def app() -> Flask:
    app = create_app()
    assert isinstance(app, Flask), f"create_app() returned {app!r}; expected a Flask app"
    # An exception in your view reaches the test with its traceback (your line) instead of
    # becoming an anonymous 500.
    app.config["PROPAGATE_EXCEPTIONS"] = True
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def show(resp) -> str:
    """A short description of a response for failure messages."""
    body = resp.get_data(as_text=True)
    return f"{resp.status} {body[:300]!r}"


def json_of(resp, what: str):
    """The JSON body of ``resp``, or a failure naming the request and what came back."""
    body = resp.get_json(silent=True)
    assert resp.is_json and body is not None, (
        f"{what} returned {show(resp)} with Content-Type {resp.content_type!r}; "
        "expected a JSON body"
    )
    return body


def assert_json_error(resp, status: int, what: str) -> None:
    assert resp.status_code == status, f"{what} returned {show(resp)}; expected status {status}"
    body = json_of(resp, what)
    assert isinstance(body, dict) and set(body) == {"error", "message"}, (
        f"{what} returned the body {body!r}; expected exactly the keys 'error' and 'message'"
    )
    assert body["error"] in PHRASES[status], (
        f"{what} returned error={body['error']!r}; expected the reason phrase "
        f"{' or '.join(sorted(PHRASES[status]))!r}"
    )
    assert isinstance(body["message"], str) and body["message"].strip(), (
        f"{what} returned message={body['message']!r}; expected a non-empty string"
    )


def create(client: FlaskClient, user: dict) -> dict:
    resp = client.post("/users", json=user)
    assert resp.status_code == 201, f"POST /users {user!r} returned {show(resp)}; expected 201"
    return json_of(resp, f"POST /users {user!r}")


def total(client: FlaskClient) -> int:
    resp = client.get("/users")
    body = json_of(resp, "GET /users")
    assert resp.status_code == 200 and isinstance(body, dict) and "total" in body, (
        f"GET /users returned {show(resp)}; expected 200 with a 'total'"
    )
    return body["total"]


# Task 1 — create and fetch a user


@pytest.mark.task(1)
def test_post_creates_a_user_with_201_and_a_location_header(client: FlaskClient) -> None:
    resp = client.post("/users", json=ANN)
    assert resp.status_code == 201, f"POST /users {ANN!r} returned {show(resp)}; expected 201"
    body = json_of(resp, "POST /users")
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
    assert json_of(got, f"GET {location!r}") == {"id": 2, **BOB}, (
        f"GET {location!r} returned {got.get_json()!r}; expected {{'id': 2, **BOB}}"
    )


@pytest.mark.task(1)
@pytest.mark.parametrize(
    "path",
    ["/users/99", "/users/0", "/nowhere", "/users/abc"],
    ids=["unknown-id", "id-0", "unknown-url", "id-not-a-number"],
)
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
    assert created.get("id") == 1, f"the first user of a fresh app is {created!r}; expected id 1"


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
    assert total(client) == 0, "a rejected POST must store nothing"


@pytest.mark.task(2)
@pytest.mark.parametrize(
    "raw",
    ['{"username": "ann", ', "", "{'username': 'ann'}", "nul"],
    ids=["cut-short", "empty-string", "single-quotes", "nul"],
)
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
    ids=["name-int", "email-null", "name-bool", "name-list", "no-email", "empty-object",
         "extra-field", "array", "string", "number"],
)
def test_valid_json_with_wrong_fields_or_types_is_422(client: FlaskClient, body: object) -> None:
    resp = client.post("/users", json=body)
    assert_json_error(resp, 422, f"POST /users with the JSON body {body!r}")
    assert total(client) == 0, "a rejected POST must store nothing"


@pytest.mark.task(2)
@pytest.mark.parametrize(
    "body",
    [
        {"username": "", "email": "ann@example.com"},
        {"username": "   ", "email": "ann@example.com"},
        {"username": "x" * 51, "email": "ann@example.com"},
        {"username": " " + "x" * 51 + " ", "email": "ann@example.com"},
        {"username": "ann", "email": "not-an-email"},
        {"username": "ann", "email": "ann@@example.com"},
        {"username": "ann", "email": "ann @example.com"},
        {"username": "ann", "email": "@example.com"},
        {"username": "ann", "email": "ann@"},
    ],
    ids=["empty-name", "blank-name", "51-char-name", "51-chars-inside-spaces", "no-at",
         "two-ats", "space-in-email", "nothing-before-at", "nothing-after-at"],
)
def test_invalid_field_values_are_422(client: FlaskClient, body: dict) -> None:
    resp = client.post("/users", json=body)
    assert_json_error(resp, 422, f"POST /users with {body!r}")
    assert total(client) == 0, "a rejected POST must store nothing"


@pytest.mark.task(2)
@pytest.mark.parametrize(
    "sent",
    [
        {"username": "x" * 50, "email": "x@example.com"},
        {"username": "  " + "y" * 50 + "\t", "email": "y@example.com"},
        {"username": "  ann  ", "email": " ann@example.com\n"},
        {"username": "a", "email": "a@b"},
    ],
    ids=["50-char-name", "50-chars-inside-whitespace", "surrounding-whitespace", "shortest"],
)
def test_values_at_the_limits_are_accepted_and_stored_stripped(
    client: FlaskClient, sent: dict
) -> None:
    resp = client.post("/users", json=sent)
    assert resp.status_code == 201, f"POST /users {sent!r} returned {show(resp)}; expected 201"
    want = {"id": 1, "username": sent["username"].strip(), "email": sent["email"].strip()}
    body = json_of(resp, f"POST /users {sent!r}")
    assert body == want, f"POST /users {sent!r} returned {body!r}; expected {want!r}"
    got = json_of(client.get("/users/1"), "GET /users/1")
    assert got == want, f"after POST /users {sent!r}, GET /users/1 returned {got!r}"


@pytest.mark.task(2)
@pytest.mark.parametrize(
    "duplicate",
    [
        {"username": "ann", "email": "other@example.com"},
        {"username": "other", "email": "ann@example.com"},
        {"username": "ANN", "email": "other@example.com"},
        {"username": "other", "email": "Ann@Example.COM"},
        {"username": " ann ", "email": "other@example.com"},
    ],
    ids=["same-name", "same-email", "name-other-case", "email-other-case", "name-with-spaces"],
)
def test_a_duplicate_username_or_email_is_409(client: FlaskClient, duplicate: dict) -> None:
    create(client, ANN)
    resp = client.post("/users", json=duplicate)
    assert_json_error(resp, 409, f"POST /users {duplicate!r} after creating {ANN!r}")
    count = total(client)
    assert count == 1, f"after a rejected duplicate, GET /users reports total={count}; expected 1"


@pytest.mark.task(2)
def test_a_similar_but_different_user_is_not_a_duplicate(client: FlaskClient) -> None:
    create(client, ANN)
    other = {"username": "anne", "email": "anne@example.com"}
    resp = client.post("/users", json=other)
    assert resp.status_code == 201, (
        f"POST /users {other!r} after creating {ANN!r} returned {show(resp)}; expected 201: "
        "compare whole values, not prefixes"
    )


# Task 3 — list users, one page at a time


@pytest.mark.task(3)
def test_the_list_holds_users_in_id_order_with_default_paging(client: FlaskClient) -> None:
    create(client, ANN)
    create(client, BOB)
    resp = client.get("/users")
    assert resp.status_code == 200, f"GET /users returned {show(resp)}; expected 200"
    want = {"items": [{"id": 1, **ANN}, {"id": 2, **BOB}], "page": 1, "per_page": 10, "total": 2}
    got = json_of(resp, "GET /users")
    assert got == want, f"GET /users returned {got!r}; expected {want!r}"


@pytest.mark.task(3)
def test_pagination_splits_users_into_pages(client: FlaskClient) -> None:
    for n in range(1, 26):
        create(client, {"username": f"user{n}", "email": f"user{n}@example.com"})
    pages = [(1, range(1, 11)), (2, range(11, 21)), (3, range(21, 26)), (4, []), (1000000, [])]
    for page, ids in pages:
        query = f"page={page}&per_page=10"
        resp = client.get(f"/users?{query}")
        assert resp.status_code == 200, f"GET /users?{query} returned {show(resp)}; expected 200"
        body = json_of(resp, f"GET /users?{query}")
        want = {"page": page, "per_page": 10, "total": 25}
        got = {k: body.get(k) for k in want} if isinstance(body, dict) else body
        assert got == want, f"GET /users?{query} with 25 users returned {got!r}; want {want!r}"
        items = body.get("items")
        assert isinstance(items, list) and all(isinstance(u, dict) for u in items), (
            f"GET /users?{query} returned items={items!r}; expected a list of users"
        )
        got_ids = [u.get("id") for u in items]
        assert got_ids == list(ids), (
            f"GET /users?{query} with 25 users returned ids {got_ids}; expected {list(ids)}"
        )


@pytest.mark.task(3)
@pytest.mark.parametrize(
    ("query", "ids", "per_page"),
    [("per_page=100", list(range(1, 26)), 100), ("per_page=1&page=2", [2], 1),
     ("per_page=3&page=9", [25], 3)],
    ids=["per_page-100", "per_page-1", "last-partial-page"],
)
def test_per_page_limits_are_accepted(
    client: FlaskClient, query: str, ids: list[int], per_page: int
) -> None:
    for n in range(1, 26):
        create(client, {"username": f"user{n}", "email": f"user{n}@example.com"})
    resp = client.get(f"/users?{query}")
    assert resp.status_code == 200, f"GET /users?{query} returned {show(resp)}; expected 200"
    body = json_of(resp, f"GET /users?{query}")
    items = body.get("items") if isinstance(body, dict) else None
    got = [u.get("id") for u in items] if isinstance(items, list) else items
    assert got == ids and body.get("per_page") == per_page, (
        f"GET /users?{query} with 25 users returned ids {got} and per_page="
        f"{body.get('per_page')!r}; expected ids {ids} and per_page={per_page}"
    )


@pytest.mark.task(3)
@pytest.mark.parametrize(
    "query",
    ["page=0", "page=-1", "page=+1", "page=abc", "page=", "page=1.5", "page= 1", "page=1_0",
     "page=%EF%BC%95", "page=%D9%A1", "page=1000001", "page=" + "9" * 5000,
     "per_page=0", "per_page=101", "per_page=-5", "per_page=ten", "page=2&per_page=1e3",
     "per_page=%EF%BC%95"],
    ids=["page-0", "page-negative", "page-plus-sign", "page-letters", "page-empty",
         "page-decimal", "page-leading-space", "page-underscore", "page-fullwidth-5",
         "page-arabic-indic-1", "page-1000001", "page-5000-digits", "per_page-0",
         "per_page-101", "per_page-negative", "per_page-letters", "per_page-exponent",
         "per_page-fullwidth-5"],
)
def test_bad_pagination_values_are_400(client: FlaskClient, query: str) -> None:
    create(client, ANN)
    shown = query if len(query) < 60 else query[:30] + f"...({len(query)} characters)"
    assert_json_error(client.get(f"/users?{query}"), 400, f"GET /users?{shown}")


# Task 4 — replace, delete, and the rest of HTTP


@pytest.mark.task(4)
def test_put_replaces_the_whole_user(client: FlaskClient) -> None:
    create(client, ANN)
    new = {"username": "annie", "email": "annie@example.com"}
    resp = client.put("/users/1", json=new)
    assert resp.status_code == 200, f"PUT /users/1 {new!r} returned {show(resp)}; expected 200"
    got = json_of(resp, "PUT /users/1")
    assert got == {"id": 1, **new}, f"PUT /users/1 returned {got!r}"
    got = json_of(client.get("/users/1"), "GET /users/1")
    assert got == {"id": 1, **new}, f"GET /users/1 after the PUT returned {got!r}"


@pytest.mark.task(4)
@pytest.mark.parametrize(
    ("path", "kwargs", "status", "why"),
    [
        ("/users/9", {"json": BOB}, 404, "no such user"),
        ("/users/2", {"json": ANN}, 409, "ann's fields"),
        ("/users/2", {"json": {"username": "x", "email": "ann@example.com"}}, 409, "ann's email"),
        ("/users/2", {"json": {"username": "bob"}}, 422,
         "no email: PUT replaces, so every field is required"),
        ("/users/2", {"json": {"username": "x" * 51, "email": "bob@example.com"}}, 422,
         "a 51-character username"),
        ("/users/2", {"data": "x", "content_type": "text/plain"}, 415, "text/plain"),
        ("/users/2", {"data": "{", "content_type": "application/json"}, 400, "malformed JSON"),
    ],
    ids=["missing-user", "taken-name-and-email", "taken-email", "missing-field", "long-name",
         "not-json", "malformed-json"],
)
def test_put_checks_existence_duplicates_and_the_body(
    client: FlaskClient, path: str, kwargs: dict, status: int, why: str
) -> None:
    create(client, ANN)
    create(client, BOB)
    assert_json_error(client.put(path, **kwargs), status, f"PUT {path} with {why}")
    got = json_of(client.get("/users/2"), "GET /users/2")
    assert got == {"id": 2, **BOB}, f"after the refused PUT {path}, GET /users/2 returned {got!r}"


@pytest.mark.task(4)
def test_put_lets_a_user_keep_their_own_values(client: FlaskClient) -> None:
    create(client, ANN)
    create(client, BOB)
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
    assert_json_error(client.get("/users/1"), 404, "GET /users/1 after DELETE /users/1")
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
    ids=["DELETE-collection", "PUT-collection", "PATCH-user", "POST-user"],
)
def test_an_unsupported_method_is_405_with_an_allow_header(
    client: FlaskClient, method: str, path: str, allowed: set[str]
) -> None:
    create(client, ANN)
    resp = client.open(path, method=method, json=BOB)
    assert_json_error(resp, 405, f"{method} {path}")
    allow = {m.strip() for m in resp.headers.get("Allow", "").split(",") if m.strip()}
    assert allowed <= allow and method not in allow, (
        f"{method} {path} returned Allow: {resp.headers.get('Allow')!r}; expected it to list "
        f"{sorted(allowed)} (RFC 9110 requires Allow on a 405: start from error.get_response())"
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


# Task 5 — conditional requests: ETag, 304 and 412


def etag(client: FlaskClient, path: str = "/users/1") -> str:
    resp = client.get(path)
    assert resp.status_code == 200, f"GET {path} returned {show(resp)}; expected 200"
    tag = resp.headers.get("ETag")
    assert tag is not None, f"GET {path} returned no ETag header"
    assert STRONG_ETAG.fullmatch(tag), (
        f"GET {path} returned ETag: {tag}; expected a strong entity tag, a quoted string such "
        'as "5d41402abc4b2a76" (response.set_etag(...) quotes it for you)'
    )
    return tag


@pytest.mark.task(5)
def test_get_sends_an_etag_that_changes_only_with_the_user(client: FlaskClient) -> None:
    create(client, ANN)
    first = etag(client)
    again = etag(client)
    assert again == first, f"two GET /users/1 in a row sent the ETags {first} and {again}"
    new = {"username": "annie", "email": "annie@example.com"}
    resp = client.put("/users/1", json=new)
    assert resp.status_code == 200, f"PUT /users/1 {new!r} returned {show(resp)}; expected 200"
    after = etag(client)
    assert after != first, (
        f"GET /users/1 sent the ETag {first} both before and after PUT /users/1 changed the user"
    )
    put_tag = resp.headers.get("ETag")
    assert put_tag == after, (
        f"PUT /users/1 answered ETag: {put_tag}; expected the new tag {after} (the one a GET "
        "now sends)"
    )


@pytest.mark.task(5)
@pytest.mark.parametrize(
    "header",
    ["{tag}", "W/{tag}", '"other", {tag}', "*"],
    ids=["same-tag", "weak-form-of-the-tag", "list-holding-the-tag", "star"],
)
def test_if_none_match_with_the_current_tag_is_304(client: FlaskClient, header: str) -> None:
    create(client, ANN)
    tag = etag(client)
    sent = header.replace("{tag}", tag)
    resp = client.get("/users/1", headers={"If-None-Match": sent})
    assert resp.status_code == 304, (
        f"GET /users/1 with If-None-Match: {sent} (the current ETag is {tag}) returned "
        f"{show(resp)}; expected 304"
    )
    assert resp.get_data() == b"", f"the 304 carried the body {resp.get_data()!r}"
    assert resp.headers.get("ETag") == tag, (
        f"the 304 carried ETag: {resp.headers.get('ETag')}; expected {tag}"
    )


@pytest.mark.task(5)
@pytest.mark.parametrize(
    "header", ['"not-the-tag"', "stale"], ids=["unrelated-tag", "tag-before-a-put"]
)
def test_if_none_match_with_another_tag_is_200(client: FlaskClient, header: str) -> None:
    create(client, ANN)
    if header == "stale":
        header = etag(client)
        client.put("/users/1", json={"username": "annie", "email": "annie@example.com"})
    resp = client.get("/users/1", headers={"If-None-Match": header})
    assert resp.status_code == 200, (
        f"GET /users/1 with If-None-Match: {header} (not the current tag) returned {show(resp)};"
        " expected 200"
    )
    body = json_of(resp, "GET /users/1")
    assert isinstance(body, dict) and body.get("id") == 1, (
        f"GET /users/1 with If-None-Match: {header} returned {show(resp)}; expected the user"
    )


@pytest.mark.task(5)
@pytest.mark.parametrize(
    "header", ["{tag}", '"other", {tag}', "*"], ids=["same-tag", "list-holding-the-tag", "star"]
)
def test_put_with_a_matching_if_match_is_applied(client: FlaskClient, header: str) -> None:
    create(client, ANN)
    sent = header.replace("{tag}", etag(client))
    new = {"username": "annie", "email": "annie@example.com"}
    resp = client.put("/users/1", json=new, headers={"If-Match": sent})
    assert resp.status_code == 200, (
        f"PUT /users/1 with If-Match: {sent} (the current tag) returned {show(resp)}; "
        "expected 200"
    )
    got = json_of(client.get("/users/1"), "GET /users/1")
    assert got == {"id": 1, **new}, f"after that PUT, GET /users/1 returned {got!r}"


@pytest.mark.task(5)
@pytest.mark.parametrize(
    "header",
    ["stale", '"not-the-tag"', "W/{tag}"],
    ids=["tag-before-another-put", "unrelated-tag", "weak-form-of-the-tag"],
)
def test_put_with_an_if_match_that_does_not_match_is_412_and_changes_nothing(
    client: FlaskClient, header: str
) -> None:
    create(client, ANN)
    read = etag(client)
    if header == "stale":
        # Someone else changes the user after we read it: our If-Match is now out of date.
        client.put("/users/1", json={"username": "annie", "email": "annie@example.com"})
        header = read
    before = json_of(client.get("/users/1"), "GET /users/1")
    sent = header.replace("{tag}", etag(client))
    mine = {"username": "ann2", "email": "ann2@example.com"}
    resp = client.put("/users/1", json=mine, headers={"If-Match": sent})
    assert_json_error(resp, 412, f"PUT /users/1 with If-Match: {sent} (current: {etag(client)})")
    after = json_of(client.get("/users/1"), "GET /users/1")
    assert after == before, f"the refused PUT changed the user from {before!r} to {after!r}"


@pytest.mark.task(5)
@pytest.mark.parametrize(
    ("path", "kwargs", "status"),
    [
        ("/users/1", {"data": "{", "content_type": "application/json"}, 412),
        ("/users/1", {"data": "x", "content_type": "text/plain"}, 412),
        ("/users/1", {"json": {"username": 1}}, 412),
        ("/users/99", {"json": BOB}, 404),
    ],
    ids=["stale-tag-and-malformed-json", "stale-tag-and-text-plain", "stale-tag-and-bad-field",
         "stale-tag-and-missing-user"],
)
def test_if_match_is_checked_after_the_404_and_before_the_body(
    client: FlaskClient, path: str, kwargs: dict, status: int
) -> None:
    create(client, ANN)
    resp = client.put(path, headers={"If-Match": '"not-the-tag"'}, **kwargs)
    assert_json_error(resp, status, f"PUT {path} with a stale If-Match and {kwargs!r}")
