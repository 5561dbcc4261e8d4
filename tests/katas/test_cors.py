"""Tests for the cors kata: a hand-written CORS policy for a Flask app."""

from __future__ import annotations

import dataclasses

import pytest
from cors import CorsPolicy, create_app
from flask import Flask
from flask.testing import FlaskClient
from kata_support import call_raises

GOOD = "https://good.example.com"
LOCAL = "http://localhost:3000"
ALLOWED = [GOOD, LOCAL]
EVIL = "https://evil.example"

LOOK_ALIKES = [
    pytest.param("https://good.example.com.evil.com", id="allowed-origin-as-a-prefix"),
    pytest.param("https://evilgood.example.com", id="allowed-host-as-a-suffix"),
    pytest.param("https://sub.good.example.com", id="subdomain"),
    pytest.param("https://good.example.com:8443", id="other-port"),
    pytest.param("http://good.example.com", id="other-scheme"),
    pytest.param("https://GOOD.example.com", id="upper-case-host"),
    pytest.param("https://good.example.com/", id="trailing-slash"),
    pytest.param("null", id="null"),
    pytest.param("http://localhost:3001", id="localhost-other-port"),
    pytest.param("http://localhost", id="localhost-no-port"),
    pytest.param("*", id="star"),
    pytest.param("", id="empty-string"),
]
# An empty Origin header is left out where the README does not say whether it counts as sent.
PREFLIGHT_ORIGINS = [p for p in LOOK_ALIKES if p.values[0] != ""]
# The look-alikes a browser could really send as Origin on a write (no empty header, no "*").
CROSS_SITE = [p for p in LOOK_ALIKES if p.values[0] not in ("", "*")] + [
    pytest.param(EVIL, id="another-site")
]


def policy(**kwargs) -> CorsPolicy:
    return CorsPolicy(allowed_origins=ALLOWED, **kwargs)


def make_client(**kwargs) -> FlaskClient:
    app = create_app(policy(**kwargs))
    assert isinstance(app, Flask), f"create_app(...) returned {app!r}; expected a Flask app"
    # An exception in your code reaches the test with its traceback (your line) instead of
    # becoming an anonymous 500.
    app.config["PROPAGATE_EXCEPTIONS"] = True
    return app.test_client()


@pytest.fixture
def client() -> FlaskClient:
    return make_client()


def cors_headers(resp) -> dict[str, str]:
    return {k: v for k, v in resp.headers.items() if k.lower().startswith("access-control-")}


def vary_of(resp) -> set[str]:
    return {v.strip().lower() for line in resp.headers.getlist("Vary") for v in line.split(",")}


def show(resp) -> str:
    return f"{resp.status} {resp.get_data(as_text=True)[:200]!r} with headers {dict(resp.headers)}"


def preflight(client: FlaskClient, origin: str, method: str = "PUT", headers: str | None = None):
    sent = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers is not None:
        sent["Access-Control-Request-Headers"] = headers
    return client.options("/api/data", headers=sent)


def describe_preflight(origin: str, method: str = "PUT", headers: str | None = None) -> str:
    asked = f", Access-Control-Request-Headers: {headers}" if headers is not None else ""
    return (
        f"the preflight OPTIONS /api/data (Origin: {origin!r}, Access-Control-Request-Method: "
        f"{method}{asked})"
    )


def assert_forbidden(resp, what: str) -> None:
    assert resp.status_code == 403, f"{what} returned {show(resp)}; expected 403"
    body = resp.get_json(silent=True)
    assert resp.is_json and isinstance(body, dict) and set(body) == {"error", "message"}, (
        f"{what} returned {show(resp)}; expected the JSON body "
        '{"error": "Forbidden", "message": "..."} with exactly those keys'
    )
    assert body["error"] == "Forbidden" and isinstance(body["message"], str) and body["message"], (
        f"{what} returned {body!r}; expected error 'Forbidden' and a non-empty message"
    )
    assert cors_headers(resp) == {}, (
        f"{what} was refused but returned {cors_headers(resp)!r}; expected no Access-Control-* "
        "header at all"
    )
    assert "origin" in vary_of(resp), (
        f"{what} returned Vary {resp.headers.getlist('Vary')!r}; expected it to include Origin"
    )


# Task 1 — the policy: an exact allow-list


@pytest.mark.task(1)
@pytest.mark.parametrize("origin", ALLOWED)
def test_a_listed_origin_is_allowed(origin: str) -> None:
    got = policy().is_allowed(origin)
    assert got is True, f"CorsPolicy({ALLOWED}).is_allowed({origin!r}) returned {got!r}"


@pytest.mark.task(1)
@pytest.mark.parametrize("origin", [*LOOK_ALIKES, pytest.param(None, id="None")])
def test_a_look_alike_origin_is_refused(origin: str | None) -> None:
    got = policy().is_allowed(origin)
    assert got is False, (
        f"CorsPolicy({ALLOWED}).is_allowed({origin!r}) returned {got!r}; expected False: "
        "compare the whole origin string exactly"
    )


@pytest.mark.task(1)
@pytest.mark.parametrize(
    "entry",
    [
        pytest.param("*", id="star"),
        pytest.param("null", id="null"),
        pytest.param("https://good.example.com/", id="trailing-slash"),
        pytest.param("https://good.example.com/api", id="path"),
        pytest.param("https://good.example.com?x=1", id="query"),
        pytest.param("good.example.com", id="no-scheme"),
        pytest.param("ftp://files.example.com", id="ftp-scheme"),
        pytest.param("https://Good.example.com", id="upper-case-host"),
        pytest.param("HTTPS://good.example.com", id="upper-case-scheme"),
        pytest.param("https://user@good.example.com", id="user-info"),
        pytest.param("https://good.example.com:443", id="https-default-port-443"),
        pytest.param("http://good.example.com:80", id="http-default-port-80"),
        pytest.param("https://good.example.com:99999", id="port-out-of-range"),
        pytest.param("https://", id="no-host"),
        pytest.param("", id="empty-string"),
    ],
)
def test_a_bad_allow_list_entry_is_a_value_error(entry: str) -> None:
    error = call_raises(ValueError, CorsPolicy, allowed_origins=[GOOD, entry])
    assert str(error), f"CorsPolicy(allowed_origins=[..., {entry!r}]) raised an empty ValueError"


@pytest.mark.task(1)
@pytest.mark.parametrize(
    "entry",
    [
        pytest.param("https://good.example.com:80", id="https-on-port-80"),
        pytest.param("http://good.example.com:443", id="http-on-port-443"),
        pytest.param("http://localhost:8080", id="localhost-8080"),
        pytest.param("http://127.0.0.1:5000", id="ip-address"),
    ],
)
def test_a_non_default_port_is_a_valid_entry(entry: str) -> None:
    made = CorsPolicy(allowed_origins=[GOOD, entry])
    assert made.is_allowed(entry) is True, (
        f"CorsPolicy(allowed_origins=[{GOOD!r}, {entry!r}]).is_allowed({entry!r}) returned "
        f"{made.is_allowed(entry)!r}; expected True: only :443 for https and :80 for http are "
        "default ports"
    )


@pytest.mark.task(1)
@pytest.mark.parametrize(
    "origins",
    [GOOD, [GOOD, 42], None, [GOOD, None]],
    ids=["bare-str", "int-entry", "None", "None-entry"],
)
def test_allowed_origins_of_the_wrong_type_is_a_type_error(origins: object) -> None:
    call_raises(TypeError, CorsPolicy, allowed_origins=origins)


@pytest.mark.task(1)
def test_a_negative_max_age_is_a_value_error() -> None:
    call_raises(ValueError, CorsPolicy, allowed_origins=ALLOWED, max_age=-1)


@pytest.mark.task(1)
@pytest.mark.parametrize("max_age", ["600", 1.5, True], ids=["str", "float", "bool"])
def test_a_max_age_that_is_not_an_int_is_a_type_error(max_age: object) -> None:
    call_raises(TypeError, CorsPolicy, allowed_origins=ALLOWED, max_age=max_age)


@pytest.mark.task(1)
def test_the_policy_is_frozen_and_keeps_its_own_frozenset() -> None:
    origins = [GOOD]
    made = CorsPolicy(allowed_origins=origins)
    stored = made.allowed_origins
    assert type(stored) is frozenset and stored == {GOOD}, (
        f"CorsPolicy(allowed_origins=[{GOOD!r}]).allowed_origins is {stored!r}; expected "
        f"frozenset({{{GOOD!r}}})"
    )
    origins.append(EVIL)
    assert made.is_allowed(EVIL) is False, (
        "after the caller appended an origin to the list it passed in, the policy allowed it: "
        "store a frozenset of your own"
    )
    try:
        made.max_age = 5  # type: ignore[misc]
    except dataclasses.FrozenInstanceError:
        pass
    else:
        pytest.fail(
            "policy.max_age = 5 was accepted; expected dataclasses.FrozenInstanceError "
            "(declare the class with @dataclass(frozen=True))"
        )


# Task 2 — simple requests


@pytest.mark.task(2)
@pytest.mark.parametrize("origin", ALLOWED)
def test_an_allowed_origin_is_echoed_exactly_with_credentials(
    client: FlaskClient, origin: str
) -> None:
    resp = client.get("/api/data", headers={"Origin": origin})
    assert resp.status_code == 200, f"GET /api/data returned {show(resp)}; expected 200"
    assert resp.get_json(silent=True) == {"data": [1, 2, 3]}, (
        f"GET /api/data returned {show(resp)}; expected the JSON body {{'data': [1, 2, 3]}}"
    )
    acao = resp.headers.get("Access-Control-Allow-Origin")
    assert acao == origin, (
        f"GET /api/data with Origin {origin!r} returned Access-Control-Allow-Origin {acao!r}; "
        f"expected exactly {origin!r} (never '*' with credentials)"
    )
    acac = resp.headers.get("Access-Control-Allow-Credentials")
    assert acac == "true", (
        f"GET /api/data with Origin {origin!r} returned Access-Control-Allow-Credentials "
        f"{acac!r}; expected 'true'"
    )


@pytest.mark.task(2)
def test_the_routes_answer_their_bodies(client: FlaskClient) -> None:
    resp = client.post("/api/data", json={"x": [1, "two"]})
    want = {"received": {"x": [1, "two"]}}
    assert resp.status_code == 201 and resp.get_json(silent=True) == want, (
        f"POST /api/data with the JSON body {{'x': [1, 'two']}} returned {show(resp)}; expected "
        "201 {'received': {'x': [1, 'two']}}"
    )
    resp = client.get("/api/greeting")
    assert resp.status_code == 200 and resp.get_json(silent=True) == {"greeting": "hello"}, (
        f"GET /api/greeting returned {show(resp)}; expected 200 {{'greeting': 'hello'}}"
    )


@pytest.mark.task(2)
@pytest.mark.parametrize(
    "origin",
    [GOOD, "https://good.example.com.evil.com", None],
    ids=["allowed", "look-alike", "no-origin"],
)
def test_every_response_varies_on_origin(client: FlaskClient, origin: str | None) -> None:
    headers = {"Origin": origin} if origin else {}
    for path in ("/api/data", "/api/missing"):
        resp = client.get(path, headers=headers)
        assert "origin" in vary_of(resp), (
            f"GET {path} with Origin {origin!r} returned Vary {resp.headers.getlist('Vary')!r}; "
            "expected it to include Origin (the answer depends on it, so caches must too)"
        )


@pytest.mark.task(2)
def test_vary_keeps_what_the_view_already_set(client: FlaskClient) -> None:
    resp = client.get("/api/greeting", headers={"Origin": GOOD})
    assert {"origin", "accept-language"} <= vary_of(resp), (
        f"GET /api/greeting (whose view sets Vary: Accept-Language) returned Vary "
        f"{resp.headers.getlist('Vary')!r}; expected both Accept-Language and Origin"
    )


@pytest.mark.task(2)
@pytest.mark.parametrize("origin", LOOK_ALIKES)
def test_a_disallowed_origin_gets_no_cors_headers_but_is_still_served(
    client: FlaskClient, origin: str
) -> None:
    resp = client.get("/api/data", headers={"Origin": origin})
    assert resp.status_code == 200, (
        f"GET /api/data with Origin {origin!r} returned {show(resp)}; expected 200: CORS only "
        "tells the browser whether the page may read the answer, it does not block the server"
    )
    assert cors_headers(resp) == {}, (
        f"GET /api/data with the disallowed Origin {origin!r} returned {cors_headers(resp)!r}; "
        "expected no Access-Control-* headers at all"
    )


@pytest.mark.task(2)
def test_a_request_without_origin_gets_no_cors_headers(client: FlaskClient) -> None:
    resp = client.get("/api/data")
    assert cors_headers(resp) == {}, f"GET /api/data without Origin returned {cors_headers(resp)!r}"


@pytest.mark.task(2)
def test_error_responses_carry_cors_headers_too(client: FlaskClient) -> None:
    resp = client.get("/api/missing", headers={"Origin": GOOD})
    assert resp.status_code == 404, f"GET /api/missing returned {show(resp)}; expected 404"
    acao = resp.headers.get("Access-Control-Allow-Origin")
    assert acao == GOOD, (
        f"GET /api/missing (a 404) with Origin {GOOD!r} returned Access-Control-Allow-Origin "
        f"{acao!r}; expected {GOOD!r} so that the page can read the error"
    )


@pytest.mark.task(2)
def test_a_405_keeps_its_allow_header_and_gets_cors_headers(client: FlaskClient) -> None:
    resp = client.delete("/api/data", headers={"Origin": GOOD})
    assert resp.status_code == 405, (
        f"DELETE /api/data with the allowed Origin {GOOD!r} returned {show(resp)}; expected 405"
    )
    allow = {m.strip() for m in resp.headers.get("Allow", "").split(",") if m.strip()}
    assert {"GET", "POST"} <= allow, (
        f"DELETE /api/data returned Allow: {resp.headers.get('Allow')!r}; expected GET and POST "
        "(RFC 9110 requires Allow on a 405)"
    )
    assert resp.headers.get("Access-Control-Allow-Origin") == GOOD, (
        f"the 405 returned {cors_headers(resp)!r}; expected Access-Control-Allow-Origin {GOOD!r}"
    )


@pytest.mark.task(2)
def test_without_credentials_no_allow_credentials_header_is_sent() -> None:
    client = make_client(allow_credentials=False)
    for method in ("GET", "POST"):
        resp = client.open("/api/data", method=method, json={"x": 1}, headers={"Origin": LOCAL})
        assert resp.headers.get("Access-Control-Allow-Origin") == LOCAL, (
            f"{method} /api/data with Origin {LOCAL!r} returned {cors_headers(resp)!r}"
        )
        assert "Access-Control-Allow-Credentials" not in resp.headers, (
            f"with allow_credentials=False, {method} /api/data sent {cors_headers(resp)!r}; "
            "expected no Access-Control-Allow-Credentials"
        )


# Task 3 — preflight requests


@pytest.mark.task(3)
def test_an_allowed_preflight_is_204_with_methods_headers_and_max_age(client: FlaskClient) -> None:
    asked = ("PUT", "content-type, authorization")
    what = describe_preflight(GOOD, *asked)
    resp = preflight(client, GOOD, *asked)
    assert resp.status_code == 204, f"{what} returned {show(resp)}; expected 204"
    assert resp.get_data() == b"", f"{what} returned a body {resp.get_data()!r}"
    got = cors_headers(resp)
    assert got.get("Access-Control-Allow-Origin") == GOOD, f"{what} returned {got!r}"
    assert got.get("Access-Control-Allow-Credentials") == "true", f"{what} returned {got!r}"
    methods = [m.strip() for m in got.get("Access-Control-Allow-Methods", "").split(",")]
    assert sorted(methods) == sorted(["GET", "POST", "PUT", "DELETE"]), (
        f"{what} returned Access-Control-Allow-Methods "
        f"{got.get('Access-Control-Allow-Methods')!r}; expected 'GET, POST, PUT, DELETE'"
    )
    headers = [h.strip().lower() for h in got.get("Access-Control-Allow-Headers", "").split(",")]
    assert sorted(headers) == ["authorization", "content-type"], (
        f"{what} returned Access-Control-Allow-Headers "
        f"{got.get('Access-Control-Allow-Headers')!r}; expected 'Content-Type, Authorization'"
    )
    assert got.get("Access-Control-Max-Age") == "600", (
        f"{what} returned Access-Control-Max-Age {got.get('Access-Control-Max-Age')!r}; want '600'"
    )
    assert "origin" in vary_of(resp), f"{what} returned Vary {resp.headers.getlist('Vary')}"


@pytest.mark.task(3)
@pytest.mark.parametrize(
    ("kwargs", "method", "headers", "want"),
    [
        ({"max_age": 42}, "POST", "Content-Type", {"Access-Control-Max-Age": "42"}),
        ({"max_age": 0}, "POST", None, {"Access-Control-Max-Age": "0"}),
        ({"allow_methods": ("GET", "PATCH"), "allow_headers": ("X-Token",)}, "PATCH", "x-token",
         {"Access-Control-Allow-Methods": "GET, PATCH", "Access-Control-Allow-Headers": "X-Token"}),
        ({"allow_credentials": False}, "DELETE", None, {"Access-Control-Allow-Credentials": None}),
    ],
    ids=["max_age-42", "max_age-0", "other-methods-and-headers", "no-credentials"],
)
def test_the_preflight_answer_comes_from_the_policy(
    kwargs: dict, method: str, headers: str | None, want: dict
) -> None:
    client = make_client(**kwargs)
    what = f"with CorsPolicy(..., {kwargs}), " + describe_preflight(LOCAL, method, headers)
    resp = preflight(client, LOCAL, method, headers)
    assert resp.status_code == 204, f"{what} returned {show(resp)}; expected 204"
    got = {name: resp.headers.get(name) for name in want}
    assert got == want, f"{what} returned {cors_headers(resp)!r}; expected {want!r}"


@pytest.mark.task(3)
@pytest.mark.parametrize("origin", PREFLIGHT_ORIGINS)
def test_a_preflight_from_a_disallowed_origin_is_403_without_cors_headers(
    client: FlaskClient, origin: str
) -> None:
    resp = preflight(client, origin, "DELETE")
    assert_forbidden(resp, describe_preflight(origin, "DELETE"))


@pytest.mark.task(3)
@pytest.mark.parametrize(
    ("method", "headers"),
    [("PATCH", None), ("TRACE", None), ("put", None), ("POST", "Content-Type, X-Secret"),
     ("PUT", "cookie"), ("GET", "Content-Type-Extra")],
    ids=["PATCH", "TRACE", "lower-case-put", "extra-header", "cookie-header",
         "header-name-as-a-prefix"],
)
def test_a_preflight_asking_for_a_method_or_header_not_allowed_is_403(
    client: FlaskClient, method: str, headers: str | None
) -> None:
    resp = preflight(client, GOOD, method, headers)
    assert_forbidden(resp, describe_preflight(GOOD, method, headers))


@pytest.mark.task(3)
def test_a_plain_options_request_is_not_a_preflight(client: FlaskClient) -> None:
    resp = client.options("/api/data", headers={"Origin": GOOD})
    assert resp.status_code == 200, (
        f"OPTIONS /api/data without Access-Control-Request-Method returned {show(resp)}; "
        "expected Flask's usual 200 with Allow: it is not a preflight"
    )
    assert "Access-Control-Allow-Methods" not in resp.headers, (
        "an OPTIONS request without Access-Control-Request-Method got preflight headers"
    )


# Task 4 — CORS is not a CSRF defence: refuse cross-origin writes


@pytest.fixture
def recorder() -> tuple[FlaskClient, list[str]]:
    """An app with one more route per unsafe method that records every call of its view."""
    app = create_app(policy())
    app.config["PROPAGATE_EXCEPTIONS"] = True
    calls: list[str] = []

    def transfer():
        calls.append(f"{app.name}: transfer ran")
        return {"done": True}, 201

    app.add_url_rule(
        "/api/transfer", "transfer", transfer, methods=["POST", "PUT", "PATCH", "DELETE"]
    )
    return app.test_client(), calls


FORM = {"data": "to=mallory&amount=1000", "content_type": "application/x-www-form-urlencoded"}


@pytest.mark.task(4)
@pytest.mark.parametrize("origin", CROSS_SITE)
def test_a_form_post_from_a_disallowed_origin_is_403_and_the_view_does_not_run(
    recorder: tuple[FlaskClient, list[str]], origin: str
) -> None:
    client, calls = recorder
    resp = client.post("/api/transfer", headers={"Origin": origin}, **FORM)
    assert_forbidden(resp, f"a form POST /api/transfer from Origin {origin!r}")
    assert calls == [], (
        f"a form POST from Origin {origin!r} was refused, but the view ran first: refuse it in "
        "@app.before_request"
    )


@pytest.mark.task(4)
@pytest.mark.parametrize(
    ("method", "kwargs"),
    [("POST", {"json": {"x": 1}}), ("POST", {"data": "x", "content_type": "text/plain"}),
     ("PUT", {"json": {"x": 1}}), ("PATCH", {"json": {"x": 1}}), ("DELETE", {})],
    ids=["POST-json", "POST-text-plain", "PUT", "PATCH", "DELETE"],
)
def test_every_unsafe_method_from_a_disallowed_origin_is_refused(
    recorder: tuple[FlaskClient, list[str]], method: str, kwargs: dict
) -> None:
    client, calls = recorder
    resp = client.open("/api/transfer", method=method, headers={"Origin": EVIL}, **kwargs)
    assert_forbidden(resp, f"{method} /api/transfer from Origin {EVIL!r}")
    assert calls == [], f"{method} from {EVIL!r} was refused, but the view ran first"


@pytest.mark.task(4)
@pytest.mark.parametrize(
    ("method", "origin"),
    [("POST", GOOD), ("PUT", LOCAL), ("DELETE", GOOD), ("POST", None), ("PATCH", None)],
    ids=["POST-allowed-origin", "PUT-allowed-origin", "DELETE-allowed-origin",
         "POST-without-origin", "PATCH-without-origin"],
)
def test_a_write_from_an_allowed_origin_or_without_origin_goes_through(
    recorder: tuple[FlaskClient, list[str]], method: str, origin: str | None
) -> None:
    client, calls = recorder
    headers = {"Origin": origin} if origin else {}
    resp = client.open("/api/transfer", method=method, headers=headers, json={"x": 1})
    assert resp.status_code == 201 and len(calls) == 1, (
        f"{method} /api/transfer with Origin {origin!r} returned {show(resp)} and ran the view "
        f"{len(calls)} time(s); expected 201 and one run: only disallowed origins are refused"
    )
    want = origin if origin else None
    assert resp.headers.get("Access-Control-Allow-Origin") == want, (
        f"{method} /api/transfer with Origin {origin!r} returned {cors_headers(resp)!r}"
    )


@pytest.mark.task(4)
@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"], ids=["GET", "HEAD", "OPTIONS"])
def test_safe_methods_from_a_disallowed_origin_are_still_served(
    client: FlaskClient, method: str
) -> None:
    resp = client.open("/api/data", method=method, headers={"Origin": EVIL})
    assert resp.status_code == 200, (
        f"{method} /api/data from Origin {EVIL!r} returned {show(resp)}; expected 200: only "
        "unsafe methods are refused, and CORS already hides the answer"
    )
