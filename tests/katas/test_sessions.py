"""Tests for the sessions kata: a strong secret, login/whoami/logout, cookie flags, tampering."""

from __future__ import annotations

import base64
import json
import zlib

import pytest
from sessions import SecretKeyError, create_app, load_secret_key
from werkzeug.security import generate_password_hash

SECRET = "session-test-secret-" + "x" * 44
OTHER_SECRET = "a-different-secret-" + "y" * 45
# A cheap hash method keeps the suite fast; the app must accept any werkzeug hash.
USERS = {
    "alice": generate_password_hash("wonderland", method="pbkdf2:sha256:1000"),
    "bob": generate_password_hash("builder", method="pbkdf2:sha256:1000"),
}


@pytest.fixture
def app():
    return create_app(USERS, {"FLASK_SECRET_KEY": SECRET})


@pytest.fixture
def client(app):
    return app.test_client()


def log_in(client, username: str = "alice", password: str = "wonderland"):
    response = client.post("/login", json={"username": username, "password": password})
    assert response.status_code == 200, (
        f"POST /login as {username!r} with the right password answered {response.status_code} "
        f"{response.get_data(as_text=True)[:200]!r}; expected 200"
    )
    return response


def whoami_status(client) -> tuple[int, object]:
    response = client.get("/whoami")
    return response.status_code, response.get_json(silent=True)


def session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None, "no cookie named 'session' was set after logging in"
    return cookie.value


def read_payload(cookie_value: str) -> dict:
    """Decode a Flask session cookie WITHOUT the key: base64 (and zlib when it starts with '.')."""
    compressed = cookie_value.startswith(".")
    payload = cookie_value.lstrip(".").split(".")[0]
    data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return json.loads(zlib.decompress(data) if compressed else data)


def encode_payload(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


# --- Task 1 ------------------------------------------------------------------------------------


@pytest.mark.task(1)
def test_load_secret_key_reads_flask_secret_key_from_the_process_environment(monkeypatch):
    monkeypatch.setenv("FLASK_SECRET_KEY", SECRET)
    got = load_secret_key()
    assert got == SECRET, f"load_secret_key() returned {got!r}; expected $FLASK_SECRET_KEY"


@pytest.mark.task(1)
def test_load_secret_key_accepts_an_explicit_mapping():
    got = load_secret_key({"FLASK_SECRET_KEY": OTHER_SECRET})
    assert got == OTHER_SECRET, (
        f"load_secret_key({{'FLASK_SECRET_KEY': ...}}) returned {got!r}; expected that value"
    )


@pytest.mark.task(1)
def test_a_missing_secret_key_is_refused_with_a_message_naming_the_variable(monkeypatch):
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    with pytest.raises(SecretKeyError) as caught:
        load_secret_key()
    assert "FLASK_SECRET_KEY" in str(caught.value), (
        f"the error said {str(caught.value)!r}; expected it to name FLASK_SECRET_KEY"
    )


@pytest.mark.task(1)
@pytest.mark.parametrize(
    "secret", ["", " " * 40, "supersecretkey", "x" * 31], ids=["empty", "blank", "bank", "31"]
)
def test_an_empty_blank_or_short_secret_key_is_refused(secret):
    with pytest.raises(SecretKeyError) as caught:
        load_secret_key({"FLASK_SECRET_KEY": secret})
    assert "32" in str(caught.value) or "FLASK_SECRET_KEY" in str(caught.value), (
        f"the error for {secret!r} said {str(caught.value)!r}; expected it to name "
        "FLASK_SECRET_KEY or the 32-character minimum"
    )


@pytest.mark.task(1)
def test_a_secret_of_exactly_32_characters_is_enough():
    got = load_secret_key({"FLASK_SECRET_KEY": "k" * 32})
    assert got == "k" * 32, f"load_secret_key with a 32-character key returned {got!r}"


@pytest.mark.task(1)
def test_create_app_refuses_to_start_without_a_secret(monkeypatch):
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    with pytest.raises(SecretKeyError):
        create_app(USERS)
    with pytest.raises(SecretKeyError):
        create_app(USERS, {"FLASK_SECRET_KEY": "short"})


@pytest.mark.task(1)
def test_create_app_signs_sessions_with_the_secret_from_the_environment(monkeypatch):
    monkeypatch.setenv("FLASK_SECRET_KEY", OTHER_SECRET)
    app = create_app(USERS)
    assert app.secret_key == OTHER_SECRET, (
        f"create_app() with $FLASK_SECRET_KEY set has secret_key {app.secret_key!r}; "
        "expected the value of FLASK_SECRET_KEY (never a key written in the code)"
    )


# --- Task 2 ------------------------------------------------------------------------------------


@pytest.mark.task(2)
def test_login_then_whoami_returns_the_user(client):
    body = log_in(client).get_json()
    assert body == {"user": "alice"}, f"POST /login answered {body}; expected {{'user': 'alice'}}"
    status, body = whoami_status(client)
    assert (status, body) == (200, {"user": "alice"}), (
        f"GET /whoami after logging in answered {status} {body}; expected 200 {{'user': 'alice'}}"
    )


@pytest.mark.task(2)
def test_anonymous_whoami_is_a_401_json_error_not_a_500(client):
    status, body = whoami_status(client)
    assert status == 401, f"GET /whoami with no session answered {status}; expected 401"
    assert isinstance(body, dict) and "error" in body, (
        f"GET /whoami with no session answered {body!r}; expected a JSON error"
    )


@pytest.mark.task(2)
def test_a_session_without_a_user_is_anonymous(client):
    with client.session_transaction() as sess:
        sess["theme"] = "dark"
    status, _ = whoami_status(client)
    assert status == 401, (
        f"GET /whoami with a session holding only {{'theme': 'dark'}} answered {status}; "
        "expected 401"
    )


@pytest.mark.task(2)
@pytest.mark.parametrize(
    ("username", "password"), [("alice", "WONDERLAND"), ("mallory", "wonderland"), ("bob", "")]
)
def test_a_bad_login_is_401_and_logs_no_one_in(client, username, password):
    response = client.post("/login", json={"username": username, "password": password})
    assert response.status_code == 401, (
        f"POST /login as {username!r} with {password!r} answered {response.status_code}; "
        "expected 401"
    )
    assert response.is_json and "error" in response.get_json(), "expected a JSON error body"
    status, body = whoami_status(client)
    assert status == 401, f"after a failed login GET /whoami answered {status} {body}"


@pytest.mark.task(2)
@pytest.mark.parametrize(
    ("case", "kwargs"),
    [
        ("invalid JSON", {"data": '{"username": ', "content_type": "application/json"}),
        ("a JSON string", {"json": "alice"}),
        ("a missing password", {"json": {"username": "alice"}}),
        ("a list as username", {"json": {"username": ["alice"], "password": "wonderland"}}),
        ("a form post", {"data": {"username": "alice", "password": "wonderland"}}),
        ("an empty username", {"json": {"username": "", "password": "wonderland"}}),
    ],
)
def test_a_malformed_login_body_is_400(client, case, kwargs):
    response = client.post("/login", **kwargs)
    assert response.status_code == 400, (
        f"POST /login with {case} answered {response.status_code} "
        f"{response.get_data(as_text=True)[:200]!r}; expected 400"
    )
    assert response.is_json and "error" in response.get_json(), "expected a JSON error body"


@pytest.mark.task(2)
def test_logout_clears_the_session(client):
    log_in(client)
    with client.session_transaction() as sess:
        sess["cart"] = ["book"]
    response = client.post("/logout")
    assert response.status_code in (200, 204), (
        f"POST /logout answered {response.status_code}; expected 204"
    )
    status, body = whoami_status(client)
    assert status == 401, f"GET /whoami after logout answered {status} {body}; expected 401"
    with client.session_transaction() as sess:
        left = dict(sess)
    assert left == {}, f"after logout the session still holds {left}; expected it empty"


# --- Task 3 ------------------------------------------------------------------------------------


@pytest.mark.task(3)
def test_the_session_cookie_is_httponly_secure_and_samesite_lax(client):
    response = log_in(client)
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, f"login set no session cookie; headers were {dict(response.headers)}"
    flags = {part.strip().lower() for part in cookies[0].split(";")[1:]}
    for flag in ["httponly", "secure", "samesite=lax"]:
        assert flag in flags, f"the session cookie is {cookies[0]!r}; it lacks {flag!r}"


@pytest.mark.task(3)
def test_login_drops_values_planted_before_login(client):
    with client.session_transaction() as sess:  # e.g. set by an attacker or an earlier visitor
        sess["planted"] = "by-someone-else"
        sess["role"] = "admin"
    log_in(client)
    with client.session_transaction() as sess:
        after = dict(sess)
    assert after == {"user": "alice"}, (
        f"after login the session is {after}; expected only {{'user': 'alice'}}: call "
        "session.clear() before storing the user (session fixation)"
    )


@pytest.mark.task(3)
def test_a_tampered_cookie_means_anonymous(client):
    log_in(client, "bob", "builder")
    value = session_cookie(client)
    compressed = value.startswith(".")
    parts = value.lstrip(".").split(".")
    parts[0] = encode_payload({"user": "alice"})  # swap the payload, keep the old signature
    client.set_cookie("session", ("." if compressed else "") + ".".join(parts))
    status, body = whoami_status(client)
    assert status == 401, (
        f"GET /whoami with a cookie whose payload was edited to alice answered {status} {body}; "
        "expected 401 (the signature no longer matches)"
    )


@pytest.mark.task(3)
def test_a_cookie_signed_with_another_key_means_anonymous(client):
    other = create_app(USERS, {"FLASK_SECRET_KEY": OTHER_SECRET}).test_client()
    log_in(other)
    client.set_cookie("session", session_cookie(other))
    status, body = whoami_status(client)
    assert status == 401, (
        f"GET /whoami with alice's cookie from an app with another secret answered {status} "
        f"{body}; expected 401"
    )


@pytest.mark.task(3)
def test_two_instances_with_the_same_secret_share_sessions(client):
    log_in(client)
    twin = create_app(USERS, {"FLASK_SECRET_KEY": SECRET}).test_client()
    twin.set_cookie("session", session_cookie(client))
    status, body = whoami_status(twin)
    assert (status, body) == (200, {"user": "alice"}), (
        f"a second app with the same secret answered {status} {body} for alice's cookie; "
        "expected 200 {'user': 'alice'}: the session lives in the cookie, not in the server"
    )


@pytest.mark.task(3)
def test_the_cookie_payload_is_readable_without_the_key(client):
    log_in(client)
    payload = read_payload(session_cookie(client))
    assert payload == {"user": "alice"}, (
        f"base64-decoding the session cookie gave {payload}; expected {{'user': 'alice'}}. "
        "Flask signs the cookie but does not encrypt it: keep secrets out of the session"
    )
