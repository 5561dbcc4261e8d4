"""Tests for the jwt_auth kata: HS256 tokens with iss/aud, login, token_required, roles_required,
refresh-token rotation."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from argon2 import PasswordHasher
from flask import g, jsonify
from jwt_auth import (
    create_app,
    create_token,
    decode_token,
    hash_password,
    roles_required,
    token_required,
)
from kata_support import assert_error, call_raises, expect_raises, text

# 64 characters: long enough for HS256 and for the HS512 token the tests forge.
SECRET = "kata-test-secret-" + "s" * 47
OTHER_SECRET = "another-secret-" + "o" * 49
ISSUER = "https://auth.kata.example"
AUDIENCE = "kata-api"
TTL = timedelta(minutes=5)
REFRESH_TTL = timedelta(hours=1)


def now() -> datetime:
    return datetime.now(UTC)


def claims(role: str = "user", sub: str = "bob", **changes) -> dict:
    """Valid claims for this app; a change to None drops the claim."""
    base = {"sub": sub, "role": role, "iss": ISSUER, "aud": AUDIENCE,
            "iat": now(), "exp": now() + TTL}
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def mint(body: dict, *, key: str = SECRET, algorithm: str = "HS256") -> str:
    """A token made by the test itself with PyJWT, independent of the learner's create_token."""
    return jwt.encode(body, key, algorithm=algorithm)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def signed_raw(payload: dict, *, key: str = SECRET) -> str:
    """An HS256 token over exactly this JSON payload, signed by hand (PyJWT's encode may refuse
    or convert odd claim types, and the point is to send them)."""
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64url(json.dumps(payload).encode())
    signature = hmac.new(key.encode(), f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{b64url(signature)}"


def numeric(changes: dict | None = None, drop: tuple = ()) -> dict:
    """Valid claims with integer timestamps, for signed_raw."""
    t = int(now().timestamp())
    body = {"sub": "bob", "role": "user", "iss": ISSUER, "aud": AUDIENCE, "iat": t - 10,
            "exp": t + 300}
    body.update(changes or {})
    return {k: v for k, v in body.items() if k not in drop}


def tampered_role_token() -> str:
    """A real user token whose payload says role=admin, re-encoded without re-signing."""
    header, payload, signature = mint(claims("user")).split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body["role"] = "admin"
    return ".".join([header, b64url(json.dumps(body).encode()), signature])


def alg_none_token() -> str:
    header = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{b64url(json.dumps(numeric({'role': 'admin'})).encode())}."


class FakeClock:
    """The app's clock: starts at a fixed point (half a second past a whole second)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


# argon2id with tiny parameters keeps the suite fast: a hash carries its own parameters, so
# verify_password checks these as it checks hash_password's (which are slow on purpose).
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(scope="module")
def users() -> dict:
    return {
        "alice": {"password_hash": CHEAP.hash("wonderland"), "role": "admin"},
        "bob": {"password_hash": CHEAP.hash("builder"), "role": "user"},
        "carol": {"password_hash": hash_password("through the looking-glass"), "role": "user"},
    }


def config(users: dict, **changes) -> dict:
    base = {"JWT_SECRET_KEY": SECRET, "JWT_TTL": TTL, "JWT_REFRESH_TTL": REFRESH_TTL,
            "USERS": users}
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


@pytest.fixture
def app(users):
    return create_app(config(users))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(now().replace(microsecond=500_000) - timedelta(seconds=30))


@pytest.fixture
def clocked(users, clock):
    """A client of an app whose clock the test controls."""
    return create_app(config(users), clock=clock).test_client()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def assert_401(response, what: str, *, invalid_token: bool | None) -> None:
    """A 401 with a JSON error and a Bearer challenge; `invalid_token` True: the challenge says
    error="invalid_token"; False: it has no error=; None: the README leaves it open."""
    assert_error(response, 401, what)
    challenge = response.headers.get("WWW-Authenticate", "")
    assert challenge.startswith("Bearer"), (
        f"{what}: the 401 had WWW-Authenticate {challenge!r}; expected a 'Bearer ...' challenge "
        "(RFC 9110: every 401 carries WWW-Authenticate)"
    )
    if invalid_token is None:
        return
    if invalid_token:
        assert 'error="invalid_token"' in challenge, (
            f'{what}: the challenge was {challenge!r}; expected error="invalid_token" in it '
            "(a token was sent, and it is bad)"
        )
    else:
        assert "error=" not in challenge, (
            f"{what}: the challenge was {challenge!r}; expected no error= attribute "
            "(RFC 6750 §3.1: a request without credentials gets no error code)"
        )


def describe(kwargs: dict) -> str:
    """The request body a test client call sends, as the learner would write it."""
    if "json" in kwargs:
        return f"the JSON body {json.dumps(kwargs['json'])}"
    if "data" in kwargs:
        kind = kwargs.get("content_type", "form data")
        return f"the body {kwargs['data']!r} ({kind})"
    return "no body"


def login(client, username: str = "bob", password: str = "builder") -> dict:
    response = client.post("/login", json={"username": username, "password": password})
    assert response.status_code == 200, (
        f"POST /login as {username!r} with the right password answered {text(response)}; "
        "expected 200"
    )
    body = response.get_json(silent=True)
    assert isinstance(body, dict), f"POST /login answered {text(response)}; expected JSON"
    return body


def refresh_token_of(body: dict, what: str) -> str:
    token = body.get("refresh_token")
    assert isinstance(token, str) and token, (
        f"{what} answered {body!r}; expected a non-empty refresh_token string"
    )
    return token


def refresh(client, token: str):
    return client.post("/refresh", json={"refresh_token": token})


# --- Task 1 ------------------------------------------------------------------------------------


@pytest.mark.task(1)
def test_create_token_issues_an_hs256_token_with_exactly_the_six_claims():
    issued_at = now().replace(microsecond=0)
    token = create_token("alice", "admin", SECRET, ttl=timedelta(minutes=10), now=issued_at)
    header = jwt.get_unverified_header(token)
    assert header.get("alg") == "HS256", f"the token header was {header}; expected alg HS256"
    body = jwt.decode(token, SECRET, algorithms=["HS256"], audience=AUDIENCE)
    t = int(issued_at.timestamp())
    want = {"sub": "alice", "role": "admin", "iss": ISSUER, "aud": AUDIENCE, "iat": t,
            "exp": t + 600}
    assert body == want, f"create_token('alice', 'admin', ...) carried {body}; expected {want}"


@pytest.mark.task(1)
def test_create_token_uses_the_issuer_and_audience_it_is_given():
    token = create_token("bob", "user", SECRET, issuer="https://other.example",
                         audience="billing")
    body = jwt.decode(token, SECRET, algorithms=["HS256"], audience="billing")
    got = (body.get("iss"), body.get("aud"))
    assert got == ("https://other.example", "billing"), (
        f"create_token(..., issuer='https://other.example', audience='billing') carried "
        f"iss/aud {got}; expected those two values"
    )


@pytest.mark.task(1)
def test_create_token_defaults_to_now_and_fifteen_minutes():
    before = int(now().timestamp())
    token = create_token("bob", "user", SECRET)
    after = int(now().timestamp()) + 1
    body = jwt.decode(token, SECRET, algorithms=["HS256"], audience=AUDIENCE)
    assert before <= body.get("iat", 0) <= after, (
        f"create_token without now= gave iat {body.get('iat')}; expected the current time "
        f"({before})"
    )
    lifetime = body.get("exp", 0) - body.get("iat", 0)
    assert lifetime == 15 * 60, (
        f"create_token without ttl= gave exp - iat = {lifetime} s; expected DEFAULT_TTL, "
        "15 minutes (900 s)"
    )


def assert_names(error: BaseException, name: str, call: str) -> None:
    assert name in str(error), (
        f"{call} raised {type(error).__name__}({str(error)!r}); expected a message that names "
        f"{name}"
    )


BAD_CREATE = [
    pytest.param(TypeError, (42, "user", SECRET), {}, "subject", id="an int subject"),
    pytest.param(TypeError, ("bob", None, SECRET), {}, "role", id="a None role"),
    pytest.param(ValueError, ("", "user", SECRET), {}, "subject", id="an empty subject"),
    pytest.param(ValueError, ("bob", "", SECRET), {}, "role", id="an empty role"),
    pytest.param(ValueError, ("bob", "user", SECRET), {"now": datetime(2030, 1, 1, 12)}, "now",
                 id="a naive now"),
    pytest.param(ValueError, ("bob", "user", SECRET), {"ttl": timedelta(0)}, "ttl",
                 id="a zero ttl"),
    pytest.param(ValueError, ("bob", "user", SECRET), {"ttl": timedelta(seconds=-1)}, "ttl",
                 id="a negative ttl"),
]


@pytest.mark.task(1)
@pytest.mark.parametrize(("error", "args", "kwargs", "name"), BAD_CREATE)
def test_create_token_refuses_bad_arguments(error, args, kwargs, name):
    raised = call_raises(error, create_token, *args, **kwargs)
    assert_names(raised, name, f"create_token{args + tuple(kwargs.values())!r}")


@pytest.mark.task(1)
@pytest.mark.parametrize(
    ("case", "token"),
    [
        pytest.param("valid claims", lambda: mint(claims()), id="valid claims"),
        pytest.param("aud a list that contains ours",
                     lambda: mint(claims(aud=["https://billing.example", AUDIENCE])),
                     id="aud a list that contains ours"),
        pytest.param("a fractional exp", lambda: signed_raw(numeric({"exp": 9_999_999_999.5})),
                     id="a fractional exp"),
        pytest.param("a numeric nbf in the past", lambda: signed_raw(numeric({"nbf": 1})),
                     id="a numeric nbf in the past"),
    ],
)
def test_decode_token_returns_the_claims_of_a_valid_token(case, token):
    got = decode_token(token(), SECRET)
    assert isinstance(got, dict) and got.get("sub") == "bob" and got.get("role") == "user", (
        f"decode_token(a token with {case}) returned {got!r}; expected the claims, with sub "
        "'bob' and role 'user'"
    )


@pytest.mark.task(1)
def test_decode_token_checks_the_issuer_and_audience_it_is_given():
    token = mint(claims(iss="https://other.example", aud="billing"))
    got = decode_token(token, SECRET, issuer="https://other.example", audience="billing")
    assert isinstance(got, dict) and got.get("aud") == "billing", (
        f"decode_token(token, SECRET, issuer='https://other.example', audience='billing') "
        f"returned {got!r}; expected the claims"
    )
    with expect_raises(jwt.InvalidIssuerError,
                       "decode_token(a token from iss 'https://other.example', SECRET)"):
        decode_token(token, SECRET)
    with expect_raises(jwt.InvalidAudienceError,
                       "decode_token(a token for aud 'billing', SECRET)  # default audience"):
        decode_token(mint(claims(aud="billing")), SECRET)


HOSTILE_TOKENS = [
    ("signed with another key", lambda: mint(claims(), key=OTHER_SECRET),
     jwt.InvalidSignatureError),
    ("alg none", alg_none_token, jwt.InvalidAlgorithmError),
    ("HS512", lambda: mint(claims(), algorithm="HS512"), jwt.InvalidAlgorithmError),
    ("an expired exp", lambda: mint(claims(iat=now() - timedelta(hours=2),
                                           exp=now() - timedelta(hours=1))),
     jwt.ExpiredSignatureError),
    ("no exp", lambda: mint(claims(exp=None)), jwt.MissingRequiredClaimError),
    ("no iat", lambda: mint(claims(iat=None)), jwt.MissingRequiredClaimError),
    ("no role", lambda: mint(claims(role=None)), jwt.MissingRequiredClaimError),
    ("no sub", lambda: mint(claims(sub=None)), jwt.MissingRequiredClaimError),
    ("no iss", lambda: mint(claims(iss=None)), jwt.MissingRequiredClaimError),
    ("no aud", lambda: mint(claims(aud=None)), jwt.MissingRequiredClaimError),
    ("a tampered role", tampered_role_token, jwt.InvalidSignatureError),
    ("not a JWT", lambda: "not-a-jwt", jwt.DecodeError),
    ("another issuer", lambda: mint(claims(iss="https://evil.example")), jwt.InvalidIssuerError),
    ("an issuer that is a prefix of ours",
     lambda: mint(claims(iss="https://auth.kata")), jwt.InvalidIssuerError),
    ("an issuer that extends ours",
     lambda: mint(claims(iss=ISSUER + ".evil.example")), jwt.InvalidIssuerError),
    ("another audience", lambda: mint(claims(aud="billing")), jwt.InvalidAudienceError),
    ("a prefix of our audience", lambda: mint(claims(aud="kata")), jwt.InvalidAudienceError),
    ("an audience that extends ours", lambda: mint(claims(aud=AUDIENCE + "-admin")),
     jwt.InvalidAudienceError),
    ("an aud list without ours", lambda: mint(claims(aud=["billing", "kata-api-admin"])),
     jwt.InvalidAudienceError),
    ("exp as a digit string", lambda: signed_raw(numeric({"exp": "9999999999"})),
     jwt.InvalidTokenError),
    ("exp as a padded digit string", lambda: signed_raw(numeric({"exp": " 9999999999 "})),
     jwt.InvalidTokenError),
    ("iat as a digit string", lambda: signed_raw(numeric({"iat": "1"})), jwt.InvalidTokenError),
    ("iat true", lambda: signed_raw(numeric({"iat": True})), jwt.InvalidTokenError),
    ("nbf as a digit string", lambda: signed_raw(numeric({"nbf": "0"})), jwt.InvalidTokenError),
    ("a numeric role", lambda: signed_raw(numeric({"role": 1})), jwt.InvalidTokenError),
]


@pytest.mark.task(1)
@pytest.mark.parametrize(("case", "make", "error"), HOSTILE_TOKENS,
                         ids=[case for case, _, _ in HOSTILE_TOKENS])
def test_decode_token_rejects_hostile_tokens(case, make, error):
    with expect_raises(error, f"decode_token(a token with {case}, SECRET)") as caught:
        decode_token(make(), SECRET)
    assert str(caught.value).strip(), (
        f"decode_token(a token with {case}) raised {type(caught.value).__name__} with an empty "
        "message; say what is wrong"
    )


# --- Task 2 ------------------------------------------------------------------------------------


BAD_SECRETS = [
    pytest.param(None, id="no JWT_SECRET_KEY"),
    pytest.param("", id="an empty secret"),
    pytest.param("too-short-secret", id="a 16-character secret"),
    pytest.param("k" * 31, id="a 31-character secret"),
    pytest.param(b"k" * 40, id="a bytes secret"),
    pytest.param(12345678901234567890123456789012345, id="an int secret"),
]


@pytest.mark.task(2)
@pytest.mark.parametrize("secret", BAD_SECRETS)
def test_create_app_refuses_a_missing_short_or_non_string_secret(users, secret):
    cfg = config(users, JWT_SECRET_KEY=secret)
    if secret is None:
        cfg.pop("JWT_SECRET_KEY", None)
    with expect_raises(ValueError, f"create_app({{'JWT_SECRET_KEY': {secret!r}, ...}})") as caught:
        create_app(cfg)
    assert_names(caught.value, "JWT_SECRET_KEY", f"create_app({{'JWT_SECRET_KEY': {secret!r}}})")


@pytest.mark.task(2)
def test_a_secret_of_exactly_32_characters_is_enough(users):
    app = create_app(config(users, JWT_SECRET_KEY="k" * 32))
    response = app.test_client().post("/login", json={"username": "bob", "password": "builder"})
    assert response.status_code == 200, (
        f"with a 32-character JWT_SECRET_KEY, POST /login answered {text(response)}; expected "
        "200 (32 characters is the minimum, so it is allowed)"
    )


BAD_TTLS = [
    pytest.param("JWT_TTL", 900, TypeError, id="JWT_TTL an int"),
    pytest.param("JWT_TTL", timedelta(0), ValueError, id="JWT_TTL zero"),
    pytest.param("JWT_TTL", timedelta(seconds=-5), ValueError, id="JWT_TTL negative"),
    pytest.param("JWT_REFRESH_TTL", "7 days", TypeError, id="JWT_REFRESH_TTL a str"),
    pytest.param("JWT_REFRESH_TTL", timedelta(0), ValueError, id="JWT_REFRESH_TTL zero"),
]


@pytest.mark.task(2)
@pytest.mark.parametrize(("name", "value", "error"), BAD_TTLS)
def test_create_app_refuses_a_ttl_that_is_not_a_positive_timedelta(users, name, value, error):
    with expect_raises(error, f"create_app({{{name!r}: {value!r}, ...}})") as caught:
        create_app(config(users, **{name: value}))
    assert_names(caught.value, name, f"create_app({{{name!r}: {value!r}, ...}})")


@pytest.mark.task(2)
def test_login_returns_a_token_signed_with_the_configured_secret(users, clock):
    client = create_app(config(users), clock=clock).test_client()
    body = login(client, "alice", "wonderland")
    assert set(body) - {"refresh_token"} == {"access_token", "token_type", "expires_in"}, (
        f"POST /login answered {body}; expected exactly the keys access_token, token_type, "
        "expires_in and (Task 5) refresh_token"
    )
    assert body.get("token_type") == "Bearer", f"login body {body}; expected token_type 'Bearer'"
    assert body.get("expires_in") == 300, f"login body {body}; expected expires_in 300 (JWT_TTL)"
    try:
        got = jwt.decode(body.get("access_token", ""), SECRET, algorithms=["HS256"],
                         audience=AUDIENCE, options={"verify_iat": False})
    except jwt.InvalidTokenError as exc:
        pytest.fail(f"the login token does not verify with the configured JWT_SECRET_KEY, "
                    f"issuer and audience: {exc!r}")
    t = int(clock().timestamp())
    want = {"sub": "alice", "role": "admin", "iss": ISSUER, "aud": AUDIENCE, "iat": t,
            "exp": t + 300}
    assert got == want, (
        f"the login token carried {got}; expected {want} (iat from the app's clock, "
        "exp = iat + JWT_TTL)"
    )


@pytest.mark.task(2)
def test_a_password_hashed_by_hash_password_logs_in(client):
    body = login(client, "carol", "through the looking-glass")
    assert isinstance(body.get("access_token"), str), (
        f"POST /login as carol answered {body}; expected an access_token"
    )


@pytest.mark.task(2)
def test_login_without_jwt_ttl_gives_fifteen_minute_tokens(users):
    client = create_app(config(users, JWT_TTL=None)).test_client()
    body = login(client)
    assert body.get("expires_in") == 900, (
        f"POST /login with no JWT_TTL in the config answered {body}; expected expires_in 900 "
        "(DEFAULT_TTL, 15 minutes)"
    )


BAD_LOGINS = [
    pytest.param("alice", "WONDERLAND", id="alice with her password in capitals"),
    pytest.param("alice", "wonderland ", id="alice with a trailing space"),
    pytest.param("mallory", "wonderland", id="an unknown user"),
    pytest.param("bob", "wonderland", id="bob with alice's password"),
]


@pytest.mark.task(2)
@pytest.mark.parametrize(("username", "password"), BAD_LOGINS)
def test_a_bad_login_is_401_with_a_bare_bearer_challenge(client, username, password):
    response = client.post("/login", json={"username": username, "password": password})
    assert_401(response, f"POST /login as {username!r} with {password!r}", invalid_token=False)


@pytest.mark.task(2)
def test_an_unknown_user_and_a_wrong_password_get_identical_answers(client):
    wrong = client.post("/login", json={"username": "alice", "password": "nope"})
    unknown = client.post("/login", json={"username": "mallory", "password": "nope"})
    got = [(r.status_code, r.get_json(silent=True), r.headers.get("WWW-Authenticate"))
           for r in (wrong, unknown)]
    assert got[0] == got[1], (
        f"a wrong password answered {got[0]} and an unknown user {got[1]}; expected the same "
        "status, body and WWW-Authenticate, so that no one can tell which users exist"
    )


MALFORMED_LOGINS = [
    pytest.param({"data": "{'username': 'alice'", "content_type": "application/json"},
                 id="invalid JSON"),
    pytest.param({"json": ["alice", "wonderland"]}, id="a JSON array"),
    pytest.param({"json": {"username": "alice"}}, id="no password"),
    pytest.param({"json": {"password": "wonderland"}}, id="no username"),
    pytest.param({"json": {"username": "alice", "password": 1234}}, id="a numeric password"),
    pytest.param({"json": {"username": ["alice"], "password": "wonderland"}},
                 id="a list as username"),
    pytest.param({"data": {"username": "alice", "password": "wonderland"}}, id="a form post"),
    pytest.param({}, id="an empty body"),
    pytest.param({"json": {"username": "", "password": "wonderland"}}, id="an empty username"),
    pytest.param({"json": {"username": "alice", "password": ""}}, id="an empty password"),
]


@pytest.mark.task(2)
@pytest.mark.parametrize("kwargs", MALFORMED_LOGINS)
def test_a_malformed_login_body_is_400_with_a_json_error(client, kwargs):
    case = describe(kwargs)
    assert_error(client.post("/login", **kwargs), 400, f"POST /login with {case}")


# --- Task 3 ------------------------------------------------------------------------------------


@pytest.mark.task(3)
def test_a_token_from_login_opens_the_protected_route(client):
    token = login(client).get("access_token", "")
    response = client.get("/me", headers=bearer(token))
    assert response.status_code == 200 and response.get_json(silent=True) == {
        "sub": "bob", "role": "user"}, (
        f"GET /me with bob's login token answered {text(response)}; expected 200 "
        "{'sub': 'bob', 'role': 'user'}"
    )


@pytest.mark.task(3)
def test_the_bearer_scheme_is_matched_case_insensitively(client):
    response = client.get("/me", headers={"Authorization": f"bearer {mint(claims())}"})
    assert response.status_code == 200, (
        f"GET /me with 'Authorization: bearer <valid token>' answered {text(response)}; "
        "expected 200 (auth schemes are case-insensitive, RFC 9110 §11.1)"
    )


NO_CREDENTIALS = [
    ("no Authorization header", lambda: {}),
    ("the Basic scheme", lambda: {"Authorization": "Basic YWxpY2U6d29uZGVybGFuZA=="}),
    ("Basic with a valid JWT", lambda: {"Authorization": f"Basic {mint(claims())}"}),
    ("Token with a valid JWT", lambda: {"Authorization": f"Token {mint(claims())}"}),
]

BAD_TOKENS = [
    ("Bearer with no token", lambda: {"Authorization": "Bearer"}),
    ("Bearer and a space", lambda: {"Authorization": "Bearer "}),
    ("garbage", lambda: bearer("garbage")),
    ("three garbage segments", lambda: bearer("eyJ.eyJ.xyz")),
    ("a huge token", lambda: bearer("A" * 20_000)),
    ("two tokens", lambda: {"Authorization": f"Bearer {mint(claims())} {mint(claims())}"}),
    ("a token signed with another key", lambda: bearer(mint(claims(), key=OTHER_SECRET))),
    ("an alg none token", lambda: bearer(alg_none_token())),
    ("an HS512 token", lambda: bearer(mint(claims(), algorithm="HS512"))),
    ("an expired token", lambda: bearer(mint(claims(iat=now() - timedelta(hours=2),
                                                   exp=now() - timedelta(seconds=5))))),
    ("a token without exp", lambda: bearer(mint(claims(exp=None)))),
    ("a token with a tampered role", lambda: bearer(tampered_role_token())),
    ("a token with a numeric sub", lambda: bearer(signed_raw(numeric({"sub": 7})))),
    ("a token from another issuer", lambda: bearer(mint(claims(iss="https://evil.example")))),
    ("a token for another audience", lambda: bearer(mint(claims(aud="billing")))),
    ("a token with exp as a string", lambda: bearer(signed_raw(numeric({"exp": "9999999999"})))),
]


@pytest.mark.task(3)
@pytest.mark.parametrize(("case", "headers"), NO_CREDENTIALS,
                         ids=[case for case, _ in NO_CREDENTIALS])
def test_no_bearer_credentials_get_401_without_an_error_code(client, case, headers):
    assert_401(client.get("/me", headers=headers()), f"GET /me with {case}",
               invalid_token=False)


@pytest.mark.task(3)
@pytest.mark.parametrize(("case", "headers"), BAD_TOKENS, ids=[case for case, _ in BAD_TOKENS])
def test_a_bad_bearer_token_gets_401_invalid_token(client, case, headers):
    assert_401(client.get("/me", headers=headers()), f"GET /me with {case}", invalid_token=True)


@pytest.mark.task(3)
def test_token_required_keeps_the_view_name_and_docstring(app):
    def report() -> object:
        """Quarterly numbers."""
        return jsonify(sub=g.claims["sub"])

    wrapped = token_required(report)
    assert wrapped.__name__ == "report" and wrapped.__doc__ == "Quarterly numbers.", (
        f"token_required(report) has name {wrapped.__name__!r} and doc {wrapped.__doc__!r}; "
        "expected functools.wraps to keep 'report' and its docstring"
    )
    app.add_url_rule("/report", view_func=wrapped)
    response = app.test_client().get("/report", headers=bearer(mint(claims(sub="carol"))))
    assert response.status_code == 200 and response.get_json(silent=True) == {"sub": "carol"}, (
        f"a view decorated with token_required answered {text(response)}; expected 200 and "
        "g.claims['sub'] 'carol'"
    )


# --- Task 4 ------------------------------------------------------------------------------------


@pytest.mark.task(4)
def test_an_admin_token_opens_the_admin_route(client):
    token = login(client, "alice", "wonderland").get("access_token", "")
    response = client.get("/admin", headers=bearer(token))
    assert response.status_code == 200 and response.get_json(silent=True) == {
        "message": "hello, admin alice"}, (
        f"GET /admin with alice's (admin) token answered {text(response)}; expected 200 "
        "{'message': 'hello, admin alice'}"
    )


@pytest.mark.task(4)
def test_a_valid_token_with_the_wrong_role_gets_403_insufficient_scope(client):
    response = client.get("/admin", headers=bearer(mint(claims("user"))))
    assert_error(response, 403, "GET /admin with a valid role=user token")
    challenge = response.headers.get("WWW-Authenticate", "")
    assert challenge.startswith("Bearer") and 'error="insufficient_scope"' in challenge, (
        f"the 403 had WWW-Authenticate {challenge!r}; expected "
        "'Bearer ..., error=\"insufficient_scope\"' (RFC 6750 §3.1)"
    )


ADMIN_401 = [
    ("no token", lambda: {}, False),
    ("a tampered role", lambda: bearer(tampered_role_token()), True),
    ("an expired admin token", lambda: bearer(mint(claims("admin", exp=now() - TTL))), True),
    ("an admin token for another audience",
     lambda: bearer(mint(claims("admin", aud="billing"))), True),
]


@pytest.mark.task(4)
@pytest.mark.parametrize(("case", "headers", "invalid"), ADMIN_401,
                         ids=[case for case, _, _ in ADMIN_401])
def test_the_admin_route_without_a_valid_token_is_401_not_403(client, case, headers, invalid):
    assert_401(client.get("/admin", headers=headers()), f"GET /admin with {case}",
               invalid_token=invalid)


@pytest.mark.task(4)
def test_roles_required_accepts_any_of_several_roles(app):
    @roles_required("admin", "auditor")
    def audit() -> object:
        """The audit log."""
        return jsonify(role=g.claims["role"])

    assert audit.__name__ == "audit", f"the decorated view is named {audit.__name__!r}"
    app.add_url_rule("/audit", view_func=audit)
    client = app.test_client()
    for role, want in [("auditor", 200), ("admin", 200), ("user", 403), ("Admin", 403),
                       ("admi", 403), ("admin ", 403)]:
        response = client.get("/audit", headers=bearer(mint(claims(role))))
        assert response.status_code == want, (
            f"GET /audit (roles_required('admin', 'auditor')) with role={role!r} answered "
            f"{response.status_code}; expected {want} (an exact match)"
        )


@pytest.mark.task(4)
def test_roles_required_refuses_to_be_used_without_roles():
    assert_names(call_raises(ValueError, roles_required), "role", "roles_required()")

    def view() -> str:
        return "ok"

    # @roles_required written without parentheses:
    assert_names(call_raises(TypeError, roles_required, view), "role", "roles_required(view)")
    assert_names(call_raises(TypeError, roles_required, "admin", 7), "role",
                 "roles_required('admin', 7)")


# --- Task 5 ------------------------------------------------------------------------------------


@pytest.mark.task(5)
def test_a_refresh_token_buys_a_new_access_token_and_a_new_refresh_token(client):
    first = refresh_token_of(login(client), "POST /login")
    response = refresh(client, first)
    assert response.status_code == 200, (
        f"POST /refresh with the refresh token from login answered {text(response)}; "
        "expected 200"
    )
    body = response.get_json(silent=True) or {}
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}, (
        f"POST /refresh answered {body}; expected the four keys of a login"
    )
    assert body["token_type"] == "Bearer" and body["expires_in"] == 300, (
        f"POST /refresh answered {body}; expected token_type 'Bearer' and expires_in 300"
    )
    second = refresh_token_of(body, "POST /refresh")
    assert len(first) >= 43 and len(second) >= 43, (
        f"the refresh tokens were {first!r} and {second!r}; expected secrets.token_urlsafe(32) "
        "(43 characters: 32 random bytes)"
    )
    assert second != first, (
        "POST /refresh gave back the same refresh token; expected a new one (rotation)"
    )
    me = client.get("/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200 and me.get_json(silent=True) == {"sub": "bob", "role": "user"}, (
        f"GET /me with the refreshed access token answered {text(me)}; expected 200 "
        "{'sub': 'bob', 'role': 'user'}"
    )
    again = refresh(client, second)
    assert again.status_code == 200, (
        f"POST /refresh with the rotated refresh token answered {text(again)}; expected 200"
    )


@pytest.mark.task(5)
def test_a_reused_refresh_token_is_refused_and_revokes_its_family(client):
    first = refresh_token_of(login(client), "POST /login")
    other_family = refresh_token_of(login(client, "alice", "wonderland"), "POST /login")
    second = refresh_token_of(refresh(client, first).get_json(silent=True) or {},
                              "POST /refresh")
    assert_401(refresh(client, first), "POST /refresh with a refresh token used once already",
               invalid_token=None)
    assert_401(refresh(client, second),
               "POST /refresh with the newer token, after its parent was replayed",
               invalid_token=None)
    response = refresh(client, other_family)
    assert response.status_code == 200, (
        f"POST /refresh with alice's token (another login, another family) answered "
        f"{text(response)}; expected 200: only the replayed family is revoked"
    )


@pytest.mark.task(5)
@pytest.mark.parametrize(
    "token",
    [pytest.param(lambda body: "x" * 43, id="an unknown token"),
     pytest.param(lambda body: body["access_token"], id="the access token"),
     pytest.param(lambda body: body["refresh_token"][:-1], id="a truncated refresh token"),
     pytest.param(lambda body: body["refresh_token"] + "A", id="a lengthened refresh token")],
)
def test_an_unknown_refresh_token_is_401(client, token):
    body = login(client)
    refresh_token_of(body, "POST /login")
    sent = token(body)
    assert_401(refresh(client, sent), f"POST /refresh with refresh_token {sent[:60]!r}",
               invalid_token=None)


@pytest.mark.task(5)
def test_a_refresh_token_expires_after_jwt_refresh_ttl(clocked, clock):
    token = refresh_token_of(login(clocked), "POST /login")
    clock.advance(REFRESH_TTL - timedelta(microseconds=1))
    response = refresh(clocked, token)
    assert response.status_code == 200, (
        f"POST /refresh one microsecond before JWT_REFRESH_TTL (1 h) ran out answered "
        f"{text(response)}; expected 200"
    )
    late = refresh_token_of(login(clocked), "POST /login")
    clock.advance(REFRESH_TTL)
    assert_401(refresh(clocked, late),
               "POST /refresh exactly JWT_REFRESH_TTL after the token was issued",
               invalid_token=None)


@pytest.mark.task(5)
def test_without_jwt_refresh_ttl_refresh_tokens_last_seven_days(users, clock):
    client = create_app(config(users, JWT_REFRESH_TTL=None), clock=clock).test_client()
    token = refresh_token_of(login(client), "POST /login")
    clock.advance(timedelta(days=7) - timedelta(microseconds=1))
    response = refresh(client, token)
    assert response.status_code == 200, (
        f"with no JWT_REFRESH_TTL, POST /refresh just before 7 days answered {text(response)}; "
        "expected 200 (DEFAULT_REFRESH_TTL is 7 days)"
    )
    late = refresh_token_of(login(client), "POST /login")
    clock.advance(timedelta(days=7))
    assert_401(refresh(client, late), "with no JWT_REFRESH_TTL, POST /refresh 7 days later",
               invalid_token=None)


@pytest.mark.task(5)
def test_each_rotated_refresh_token_lives_jwt_refresh_ttl_from_its_own_issue(clocked, clock):
    first = refresh_token_of(login(clocked), "POST /login")
    clock.advance(timedelta(minutes=50))
    second = refresh_token_of(refresh(clocked, first).get_json(silent=True) or {},
                              "POST /refresh")
    clock.advance(timedelta(minutes=50))  # 100 min after login, 50 after the second was issued
    response = refresh(clocked, second)
    assert response.status_code == 200, (
        f"POST /refresh with a token issued 50 minutes ago (JWT_REFRESH_TTL 1 h) answered "
        f"{text(response)}; expected 200"
    )


@pytest.mark.task(5)
def test_logout_revokes_the_refresh_token_family(client):
    first = refresh_token_of(login(client), "POST /login")
    second = refresh_token_of(refresh(client, first).get_json(silent=True) or {},
                              "POST /refresh")
    response = client.post("/logout", json={"refresh_token": second})
    assert response.status_code == 204 and response.get_data() == b"", (
        f"POST /logout with a live refresh token answered {text(response)}; expected 204 with "
        "an empty body"
    )
    assert_401(refresh(client, second), "POST /refresh after logging that token out",
               invalid_token=None)


@pytest.mark.task(5)
def test_logging_out_an_old_token_revokes_its_newer_sibling(client):
    first = refresh_token_of(login(client), "POST /login")
    second = refresh_token_of(refresh(client, first).get_json(silent=True) or {},
                              "POST /refresh")
    response = client.post("/logout", json={"refresh_token": first})
    assert response.status_code == 204, f"POST /logout answered {text(response)}; expected 204"
    assert_401(refresh(client, second),
               "POST /refresh with a token whose family was logged out", invalid_token=None)


@pytest.mark.task(5)
def test_logout_with_an_unknown_token_is_still_204(client):
    for attempt in ("never-issued", "never-issued"):
        response = client.post("/logout", json={"refresh_token": attempt})
        assert response.status_code == 204 and response.get_data() == b"", (
            f"POST /logout with an unknown refresh token answered {text(response)}; expected "
            "204 with an empty body (logging out twice is fine)"
        )


MALFORMED_REFRESH = [
    pytest.param({"data": "{", "content_type": "application/json"}, id="invalid JSON"),
    pytest.param({"json": ["token"]}, id="a JSON array"),
    pytest.param({"json": {}}, id="no refresh_token"),
    pytest.param({"json": {"refresh_token": 123}}, id="a numeric refresh_token"),
    pytest.param({"json": {"refresh_token": ""}}, id="an empty refresh_token"),
    pytest.param({"data": {"refresh_token": "abc"}}, id="a form post"),
]


@pytest.mark.task(5)
@pytest.mark.parametrize("path", ["/refresh", "/logout"])
@pytest.mark.parametrize("kwargs", MALFORMED_REFRESH)
def test_a_malformed_refresh_or_logout_body_is_400(client, path, kwargs):
    case = describe(kwargs)
    assert_error(client.post(path, **kwargs), 400, f"POST {path} with {case}")


@pytest.mark.task(5)
def test_each_app_keeps_its_own_refresh_tokens(users):
    one = create_app(config(users)).test_client()
    two = create_app(config(users)).test_client()
    token = refresh_token_of(login(one), "POST /login on the first app")
    assert_401(refresh(two, token),
               "POST /refresh on a second app with a token the first app issued",
               invalid_token=None)
    response = refresh(one, token)
    assert response.status_code == 200, (
        f"the first app refused its own refresh token after a second app saw it: "
        f"{text(response)}; expected 200"
    )
