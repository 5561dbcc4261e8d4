"""Tests for the jwt_auth kata: hashed passwords, HS256 tokens, token_required, roles_required."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from flask import g, jsonify
from jwt_auth import (
    create_app,
    create_token,
    decode_token,
    hash_password,
    roles_required,
    token_required,
    verify_password,
)

# 64 characters: long enough for HS256 and for the HS512 token the tests forge.
SECRET = "kata-test-secret-" + "s" * 47
OTHER_SECRET = "another-secret-" + "o" * 49
TTL = timedelta(minutes=5)


def now() -> datetime:
    return datetime.now(UTC)


def mint(claims: dict, *, key: str = SECRET, algorithm: str = "HS256") -> str:
    """A token made by the test itself, independent of the learner's create_token."""
    return jwt.encode(claims, key, algorithm=algorithm)


def claims(role: str = "user", sub: str = "bob", **changes) -> dict:
    base = {"sub": sub, "role": role, "iat": now(), "exp": now() + TTL}
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def tampered_role_token() -> str:
    """A real user token whose payload says role=admin, re-encoded without re-signing."""
    header, payload, signature = mint(claims("user")).split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body["role"] = "admin"
    return ".".join([header, b64url(json.dumps(body).encode()), signature])


def alg_none_token() -> str:
    header = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    body = claims("admin")
    body = {**body, "iat": int(body["iat"].timestamp()), "exp": int(body["exp"].timestamp())}
    return f"{header}.{b64url(json.dumps(body).encode())}."


@pytest.fixture(scope="module")
def users() -> dict:
    # Hashed once per module with the learner's hash_password (hashing is slow on purpose).
    return {
        "alice": {"password_hash": hash_password("wonderland"), "role": "admin"},
        "bob": {"password_hash": hash_password("builder"), "role": "user"},
    }


@pytest.fixture
def app(users):
    return create_app({"JWT_SECRET_KEY": SECRET, "JWT_TTL": TTL, "USERS": users})


@pytest.fixture
def client(app):
    return app.test_client()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def assert_401(response, what: str) -> None:
    assert response.status_code == 401, (
        f"{what} answered {response.status_code} {response.get_data(as_text=True)[:200]!r}; "
        "expected 401"
    )
    challenge = response.headers.get("WWW-Authenticate", "")
    assert challenge.startswith("Bearer"), (
        f"{what}: the 401 had WWW-Authenticate {challenge!r}; expected a 'Bearer ...' challenge"
    )
    assert response.is_json and "error" in response.get_json(), (
        f"{what}: the 401 body was {response.get_data(as_text=True)[:200]!r}; "
        'expected JSON like {"error": "..."}'
    )


# --- Task 1 ------------------------------------------------------------------------------------


@pytest.mark.task(1)
def test_hash_password_never_stores_the_plain_password_and_is_salted():
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert isinstance(first, str), f"hash_password returned {first!r}; expected a str"
    assert "correct horse" not in first, (
        f"hash_password('correct horse') returned {first!r}: the password is readable in it"
    )
    assert first != second, (
        "hash_password gave the same hash twice for one password; expected a random salt "
        "to make every hash different"
    )


@pytest.mark.task(1)
def test_verify_password_accepts_the_right_password_and_nothing_else():
    stored = hash_password("s3cret!")
    assert verify_password(stored, "s3cret!") is True, (
        "verify_password(hash_password('s3cret!'), 's3cret!') was not True"
    )
    for wrong in ["s3cret", "S3CRET!", "s3cret! ", "", stored]:
        got = verify_password(stored, wrong)
        assert got is False, f"verify_password(hash, {wrong!r}) returned {got!r}; expected False"
    got = verify_password("s3cret!", "s3cret!")
    assert got is False, (
        f"verify_password('s3cret!', 's3cret!') returned {got!r}; a stored value that is not a "
        "hash must never match (that is plain-text comparison)"
    )


@pytest.mark.task(1)
def test_hash_password_rejects_non_strings_and_empty_passwords():
    for bad in [None, b"bytes", 1234]:
        with pytest.raises(TypeError):
            hash_password(bad)
    with pytest.raises(ValueError):
        hash_password("")


# --- Task 2 ------------------------------------------------------------------------------------


@pytest.mark.task(2)
def test_create_token_issues_an_hs256_token_with_sub_role_iat_and_exp():
    issued_at = now().replace(microsecond=0)
    token = create_token("alice", "admin", SECRET, ttl=timedelta(minutes=10), now=issued_at)
    header = jwt.get_unverified_header(token)
    assert header.get("alg") == "HS256", f"the token header was {header}; expected alg HS256"
    body = jwt.decode(token, SECRET, algorithms=["HS256"])
    want = {
        "sub": "alice",
        "role": "admin",
        "iat": int(issued_at.timestamp()),
        "exp": int(issued_at.timestamp()) + 600,
    }
    assert body == want, f"create_token(...) carried the claims {body}; expected {want}"


@pytest.mark.task(2)
def test_create_token_rejects_a_non_string_subject_and_a_naive_clock():
    with pytest.raises(TypeError):
        create_token(42, "user", SECRET)  # PyJWT >= 2.10 refuses a non-string `sub`
    with pytest.raises(ValueError):
        create_token("", "user", SECRET)
    with pytest.raises(ValueError):
        create_token("bob", "user", SECRET, now=datetime(2030, 1, 1, 12, 0))  # naive


@pytest.mark.task(2)
def test_decode_token_returns_the_claims_of_a_valid_token():
    token = mint(claims("user", sub="bob"))
    got = decode_token(token, SECRET)
    assert got.get("sub") == "bob" and got.get("role") == "user", (
        f"decode_token(valid token) returned {got!r}; expected sub 'bob' and role 'user'"
    )


@pytest.mark.task(2)
def test_decode_token_refuses_expired_tokens_even_from_create_token():
    an_hour_ago = now() - timedelta(hours=1)
    token = create_token("bob", "user", SECRET, ttl=timedelta(minutes=5), now=an_hour_ago)
    with pytest.raises(jwt.ExpiredSignatureError):
        decode_token(token, SECRET)


@pytest.mark.task(2)
@pytest.mark.parametrize(
    ("case", "make", "error"),
    [
        ("signed with another key", lambda: mint(claims(), key=OTHER_SECRET),
         jwt.InvalidSignatureError),
        ("alg none", alg_none_token, jwt.InvalidAlgorithmError),
        ("HS512", lambda: mint(claims(), algorithm="HS512"), jwt.InvalidAlgorithmError),
        ("missing exp", lambda: mint(claims(exp=None)), jwt.MissingRequiredClaimError),
        ("missing role", lambda: mint(claims(role=None)), jwt.MissingRequiredClaimError),
        ("tampered role", tampered_role_token, jwt.InvalidSignatureError),
        ("not a JWT", lambda: "not-a-jwt", jwt.DecodeError),
    ],
)
def test_decode_token_rejects_hostile_tokens(case, make, error):
    with pytest.raises(error):
        decode_token(make(), SECRET)


# --- Task 3 ------------------------------------------------------------------------------------


@pytest.mark.task(3)
@pytest.mark.parametrize("secret", [None, "", "too-short-secret", 12345678901234567890])
def test_create_app_refuses_a_missing_or_short_secret(secret):
    config = {} if secret is None else {"JWT_SECRET_KEY": secret}
    with pytest.raises(ValueError):
        create_app(config)


@pytest.mark.task(3)
def test_login_returns_a_token_signed_with_the_configured_secret(client):
    response = client.post("/login", json={"username": "alice", "password": "wonderland"})
    assert response.status_code == 200, (
        f"POST /login with the right password answered {response.status_code} "
        f"{response.get_data(as_text=True)[:200]!r}; expected 200"
    )
    body = response.get_json()
    assert body.get("token_type") == "Bearer", f"login body {body}; expected token_type 'Bearer'"
    try:
        got = jwt.decode(body.get("access_token", ""), SECRET, algorithms=["HS256"])
    except jwt.InvalidTokenError as exc:
        pytest.fail(f"the login token does not verify with the configured JWT_SECRET_KEY: {exc}")
    assert got.get("sub") == "alice" and got.get("role") == "admin", (
        f"the login token carried {got}; expected sub 'alice' and role 'admin'"
    )
    assert got.get("exp", 0) - got.get("iat", 0) == TTL.total_seconds(), (
        f"the login token has iat {got.get('iat')} and exp {got.get('exp')}; expected exp to be "
        f"iat + JWT_TTL ({int(TTL.total_seconds())} s)"
    )
    assert body.get("expires_in") == int(TTL.total_seconds()), (
        f"login body {body}; expected expires_in {int(TTL.total_seconds())}"
    )


@pytest.mark.task(3)
@pytest.mark.parametrize(
    ("username", "password"),
    [("alice", "WONDERLAND"), ("alice", "wonderland "), ("mallory", "wonderland"),
     ("bob", "wonderland")],
)
def test_a_bad_login_is_401_with_a_json_error(client, username, password):
    response = client.post("/login", json={"username": username, "password": password})
    assert response.status_code == 401, (
        f"POST /login as {username!r} with {password!r} answered {response.status_code} "
        f"{response.get_data(as_text=True)[:200]!r}; expected 401"
    )
    body = response.get_json(silent=True)
    assert isinstance(body, dict) and "error" in body and "access_token" not in body, (
        f"the failed login answered {body!r}; expected a JSON error and no token"
    )


@pytest.mark.task(3)
@pytest.mark.parametrize(
    ("case", "kwargs"),
    [
        ("invalid JSON", {"data": "{'username': 'alice'", "content_type": "application/json"}),
        ("a JSON array", {"json": ["alice", "wonderland"]}),
        ("no password", {"json": {"username": "alice"}}),
        ("a numeric password", {"json": {"username": "alice", "password": 1234}}),
        ("a form post", {"data": {"username": "alice", "password": "wonderland"}}),
        ("an empty body", {}),
        ("an empty username", {"json": {"username": "", "password": "wonderland"}}),
    ],
)
def test_a_malformed_login_body_is_400_with_a_json_error(client, case, kwargs):
    response = client.post("/login", **kwargs)
    assert response.status_code == 400, (
        f"POST /login with {case} answered {response.status_code} "
        f"{response.get_data(as_text=True)[:200]!r}; expected 400"
    )
    assert response.is_json and "error" in response.get_json(), (
        f"POST /login with {case}: body {response.get_data(as_text=True)[:200]!r}; "
        "expected a JSON error"
    )


# --- Task 4 ------------------------------------------------------------------------------------


@pytest.mark.task(4)
def test_a_token_from_login_opens_the_protected_route(client):
    login = client.post("/login", json={"username": "bob", "password": "builder"})
    token = (login.get_json(silent=True) or {}).get("access_token", "")
    response = client.get("/me", headers=bearer(token))
    assert response.status_code == 200, (
        f"GET /me with bob's login token answered {response.status_code} "
        f"{response.get_data(as_text=True)[:200]!r}; expected 200"
    )
    assert response.get_json() == {"sub": "bob", "role": "user"}, (
        f"GET /me answered {response.get_json()}; expected {{'sub': 'bob', 'role': 'user'}}"
    )


HOSTILE = [
    ("no Authorization header", lambda: {}),
    ("the Basic scheme", lambda: {"Authorization": "Basic YWxpY2U6d29uZGVybGFuZA=="}),
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
                                                   exp=now() - timedelta(hours=1))))),
    ("a token without exp", lambda: bearer(mint(claims(exp=None)))),
    ("a token with a tampered role", lambda: bearer(tampered_role_token())),
    ("a token with a numeric sub", lambda: bearer(mint(claims(sub=None) | {"sub": 7}))),
]


@pytest.mark.task(4)
@pytest.mark.parametrize(("case", "headers"), HOSTILE, ids=[case for case, _ in HOSTILE])
def test_bad_credentials_get_401_with_a_bearer_challenge_and_json(client, case, headers):
    assert_401(client.get("/me", headers=headers()), f"GET /me with {case}")


@pytest.mark.task(4)
def test_an_expired_token_is_named_invalid_token_in_the_challenge(client):
    token = mint(claims(iat=now() - timedelta(hours=2), exp=now() - timedelta(seconds=5)))
    response = client.get("/me", headers=bearer(token))
    assert_401(response, "GET /me with an expired token")
    challenge = response.headers["WWW-Authenticate"]
    assert 'error="invalid_token"' in challenge, (
        f'an expired token got WWW-Authenticate {challenge!r}; expected error="invalid_token" '
        "in it (RFC 6750)"
    )


@pytest.mark.task(4)
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
    assert response.status_code == 200 and response.get_json() == {"sub": "carol"}, (
        f"a view decorated with token_required answered {response.status_code} "
        f"{response.get_data(as_text=True)[:200]!r}; expected 200 and g.claims['sub'] 'carol'"
    )


# --- Task 5 ------------------------------------------------------------------------------------


@pytest.mark.task(5)
def test_an_admin_token_opens_the_admin_route(client):
    login = client.post("/login", json={"username": "alice", "password": "wonderland"})
    token = (login.get_json(silent=True) or {}).get("access_token", "")
    response = client.get("/admin", headers=bearer(token))
    assert response.status_code == 200, (
        f"GET /admin with alice's (admin) token answered {response.status_code} "
        f"{response.get_data(as_text=True)[:200]!r}; expected 200"
    )


@pytest.mark.task(5)
def test_a_valid_token_with_the_wrong_role_gets_403(client):
    response = client.get("/admin", headers=bearer(mint(claims("user"))))
    assert response.status_code == 403, (
        f"GET /admin with a valid role=user token answered {response.status_code}; expected 403"
    )
    assert response.is_json and "error" in response.get_json(), (
        f"the 403 body was {response.get_data(as_text=True)[:200]!r}; expected a JSON error"
    )


@pytest.mark.task(5)
@pytest.mark.parametrize(
    ("case", "headers"),
    [("no token", lambda: {}), ("a tampered role", lambda: bearer(tampered_role_token())),
     ("an expired admin token", lambda: bearer(mint(claims("admin", exp=now() - TTL))))],
)
def test_the_admin_route_without_a_valid_token_is_401_not_403(client, case, headers):
    assert_401(client.get("/admin", headers=headers()), f"GET /admin with {case}")


@pytest.mark.task(5)
def test_roles_required_accepts_any_of_several_roles(app):
    @roles_required("admin", "auditor")
    def audit() -> object:
        """The audit log."""
        return jsonify(role=g.claims["role"])

    assert audit.__name__ == "audit", f"the decorated view is named {audit.__name__!r}"
    app.add_url_rule("/audit", view_func=audit)
    client = app.test_client()
    for role, want in [("auditor", 200), ("admin", 200), ("user", 403), ("Admin", 403)]:
        response = client.get("/audit", headers=bearer(mint(claims(role))))
        assert response.status_code == want, (
            f"GET /audit (roles_required('admin', 'auditor')) with role={role!r} answered "
            f"{response.status_code}; expected {want}"
        )


@pytest.mark.task(5)
def test_roles_required_refuses_to_be_used_without_roles():
    with pytest.raises(ValueError):
        roles_required()

    def view() -> str:
        return "ok"

    with pytest.raises(TypeError):
        roles_required(view)  # @roles_required written without parentheses
