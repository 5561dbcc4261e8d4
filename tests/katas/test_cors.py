"""Tests for the cors kata: a hand-written CORS policy for a Flask app."""

from __future__ import annotations

import pytest
from cors import CorsPolicy, create_app
from flask.testing import FlaskClient

GOOD = "https://good.example.com"
LOCAL = "http://localhost:3000"
ALLOWED = [GOOD, LOCAL]

LOOK_ALIKES = [
    "https://good.example.com.evil.com",  # allowed origin as a prefix
    "https://evilgood.example.com",  # allowed host as a suffix
    "https://sub.good.example.com",  # a subdomain
    "https://good.example.com:8443",  # another port
    "http://good.example.com",  # another scheme
    "https://GOOD.example.com",  # differently cased host (browsers send lower case)
    "https://good.example.com/",  # a trailing slash: not how a browser writes an origin
    "null",  # sandboxed iframes, file:// pages, some redirects
    "http://localhost:3001",
    "http://localhost",
    "*",
    "",
]


def policy(**kwargs) -> CorsPolicy:
    return CorsPolicy(allowed_origins=ALLOWED, **kwargs)


@pytest.fixture
def client() -> FlaskClient:
    return create_app(policy()).test_client()


def cors_headers(resp) -> dict[str, str]:
    return {k: v for k, v in resp.headers.items() if k.lower().startswith("access-control-")}


def vary_of(resp) -> set[str]:
    return {v.strip().lower() for line in resp.headers.getlist("Vary") for v in line.split(",")}


def preflight(client: FlaskClient, origin: str, method: str = "PUT", headers: str | None = None):
    sent = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers is not None:
        sent["Access-Control-Request-Headers"] = headers
    return client.options("/api/data", headers=sent)


# Task 1 — the policy: an exact allow-list


@pytest.mark.task(1)
@pytest.mark.parametrize("origin", ALLOWED)
def test_a_listed_origin_is_allowed(origin: str) -> None:
    got = policy().is_allowed(origin)
    assert got is True, f"CorsPolicy({ALLOWED}).is_allowed({origin!r}) returned {got!r}"


@pytest.mark.task(1)
@pytest.mark.parametrize("origin", [*LOOK_ALIKES, None])
def test_a_look_alike_origin_is_refused(origin: str | None) -> None:
    got = policy().is_allowed(origin)
    assert got is False, (
        f"CorsPolicy({ALLOWED}).is_allowed({origin!r}) returned {got!r}; expected False: "
        "compare the whole origin string exactly"
    )


@pytest.mark.task(1)
@pytest.mark.parametrize(
    "entry",
    ["*", "null", "https://good.example.com/", "https://good.example.com/api", "good.example.com",
     "ftp://files.example.com", "https://Good.example.com", "https://user@good.example.com",
     "https://good.example.com:443", "https://good.example.com:99999", "https://", ""],
)
def test_a_bad_allow_list_entry_is_a_value_error(entry: str) -> None:
    with pytest.raises(ValueError) as info:
        CorsPolicy(allowed_origins=[GOOD, entry])
    assert str(info.value), f"CorsPolicy(allowed_origins=[..., {entry!r}]) raised an empty error"


@pytest.mark.task(1)
@pytest.mark.parametrize("origins", [GOOD, [GOOD, 42], None], ids=["bare-str", "int", "none"])
def test_allowed_origins_of_the_wrong_type_is_a_type_error(origins: object) -> None:
    with pytest.raises(TypeError):
        CorsPolicy(allowed_origins=origins)  # type: ignore[arg-type]


@pytest.mark.task(1)
def test_a_negative_max_age_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        CorsPolicy(allowed_origins=ALLOWED, max_age=-1)


# Task 2 — simple requests


@pytest.mark.task(2)
@pytest.mark.parametrize("origin", ALLOWED)
def test_an_allowed_origin_is_echoed_exactly_with_credentials(
    client: FlaskClient, origin: str
) -> None:
    resp = client.get("/api/data", headers={"Origin": origin})
    assert resp.status_code == 200, f"GET /api/data returned {resp.status}"
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
@pytest.mark.parametrize("origin", [GOOD, "https://good.example.com.evil.com", None])
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
        f"GET /api/data with Origin {origin!r} returned {resp.status}; expected 200: CORS only "
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
    assert resp.status_code == 404, f"GET /api/missing returned {resp.status}"
    acao = resp.headers.get("Access-Control-Allow-Origin")
    assert acao == GOOD, (
        f"GET /api/missing (a 404) with Origin {GOOD!r} returned Access-Control-Allow-Origin "
        f"{acao!r}; expected {GOOD!r} so that the page can read the error"
    )


@pytest.mark.task(2)
def test_without_credentials_no_allow_credentials_header_is_sent() -> None:
    client = create_app(policy(allow_credentials=False)).test_client()
    resp = client.post("/api/data", json={"x": 1}, headers={"Origin": LOCAL})
    assert resp.headers.get("Access-Control-Allow-Origin") == LOCAL, (
        f"POST /api/data with Origin {LOCAL!r} returned {cors_headers(resp)!r}"
    )
    assert "Access-Control-Allow-Credentials" not in resp.headers, (
        "with allow_credentials=False the response must not send Access-Control-Allow-Credentials"
    )


# Task 3 — preflight requests


@pytest.mark.task(3)
def test_an_allowed_preflight_is_204_with_methods_headers_and_max_age(client: FlaskClient) -> None:
    resp = preflight(client, GOOD, "PUT", "content-type, authorization")
    assert resp.status_code == 204, f"the preflight from {GOOD!r} returned {resp.status}; want 204"
    assert resp.get_data() == b"", f"the preflight returned a body {resp.get_data()!r}"
    got = cors_headers(resp)
    assert got.get("Access-Control-Allow-Origin") == GOOD, f"preflight headers: {got!r}"
    assert got.get("Access-Control-Allow-Credentials") == "true", f"preflight headers: {got!r}"
    methods = {m.strip() for m in got.get("Access-Control-Allow-Methods", "").split(",")}
    assert {"GET", "POST", "PUT", "DELETE"} <= methods, (
        f"preflight Access-Control-Allow-Methods was {got.get('Access-Control-Allow-Methods')!r}"
    )
    headers = {h.strip().lower() for h in got.get("Access-Control-Allow-Headers", "").split(",")}
    assert {"content-type", "authorization"} <= headers, (
        f"preflight Access-Control-Allow-Headers was {got.get('Access-Control-Allow-Headers')!r}"
    )
    assert got.get("Access-Control-Max-Age") == "600", (
        f"preflight Access-Control-Max-Age was {got.get('Access-Control-Max-Age')!r}; want '600'"
    )
    assert "origin" in vary_of(resp), f"the preflight returned Vary {resp.headers.getlist('Vary')}"


@pytest.mark.task(3)
def test_the_max_age_comes_from_the_policy() -> None:
    client = create_app(policy(max_age=42)).test_client()
    resp = preflight(client, LOCAL, "POST", "Content-Type")
    assert resp.status_code == 204, f"the preflight returned {resp.status}; expected 204"
    assert resp.headers.get("Access-Control-Max-Age") == "42", (
        f"with max_age=42 the preflight sent Max-Age {resp.headers.get('Access-Control-Max-Age')!r}"
    )


@pytest.mark.task(3)
@pytest.mark.parametrize("origin", LOOK_ALIKES)
def test_a_preflight_from_a_disallowed_origin_is_403_without_cors_headers(
    client: FlaskClient, origin: str
) -> None:
    resp = preflight(client, origin, "DELETE")
    assert resp.status_code == 403, f"the preflight from {origin!r} returned {resp.status}"
    assert cors_headers(resp) == {}, (
        f"the refused preflight from {origin!r} returned {cors_headers(resp)!r}; expected none"
    )
    assert resp.is_json and resp.get_json().get("message"), (
        f"the refused preflight returned {resp.get_data()!r}; expected a JSON body with a message"
    )


@pytest.mark.task(3)
@pytest.mark.parametrize(
    ("method", "headers"),
    [("PATCH", None), ("TRACE", None), ("POST", "Content-Type, X-Secret"), ("PUT", "cookie")],
)
def test_a_preflight_asking_for_a_method_or_header_not_allowed_is_403(
    client: FlaskClient, method: str, headers: str | None
) -> None:
    resp = preflight(client, GOOD, method, headers)
    assert resp.status_code == 403, (
        f"a preflight from {GOOD!r} for {method} with headers {headers!r} returned {resp.status}; "
        "expected 403"
    )
    assert cors_headers(resp) == {}, f"the refused preflight returned {cors_headers(resp)!r}"


@pytest.mark.task(3)
def test_a_plain_options_request_is_not_a_preflight(client: FlaskClient) -> None:
    resp = client.options("/api/data", headers={"Origin": GOOD})
    assert resp.status_code == 200, (
        f"OPTIONS /api/data without Access-Control-Request-Method returned {resp.status}; "
        "expected Flask's usual 200 with Allow: it is not a preflight"
    )
    assert "Access-Control-Allow-Methods" not in resp.headers, (
        "an OPTIONS request without Access-Control-Request-Method got preflight headers"
    )
