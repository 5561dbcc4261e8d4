"""Tests for the sessions kata: a strong secret, login/whoami/logout, cookie flags, tampering."""

from __future__ import annotations

import base64
import json
import zlib

import pytest
from itsdangerous.timed import TimestampSigner
from kata_support import assert_error, call_raises, text
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


def csrf_headers(client) -> dict:
    """The X-CSRF-Token header for this client's session once Task 4 is done; before, nothing."""
    response = client.get("/csrf")
    body = response.get_json(silent=True) if response.status_code == 200 else None
    token = body.get("csrf_token") if isinstance(body, dict) else None
    return {"X-CSRF-Token": token} if isinstance(token, str) else {}


def post(client, path: str, **kwargs):
    """POST with this session's CSRF token, as a page of the site would send it."""
    return client.post(path, headers=csrf_headers(client), **kwargs)


def log_in(client, username: str = "alice", password: str = "wonderland"):
    response = post(client, "/login", json={"username": username, "password": password})
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
def test_load_secret_key_accepts_an_explicit_mapping(monkeypatch):
    monkeypatch.setenv("FLASK_SECRET_KEY", SECRET)
    got = load_secret_key({"FLASK_SECRET_KEY": OTHER_SECRET})
    assert got == OTHER_SECRET, (
        f"load_secret_key({{'FLASK_SECRET_KEY': ...}}) returned {got!r}; expected the value in "
        "that mapping, not the one in os.environ"
    )


@pytest.mark.task(1)
def test_a_missing_secret_key_is_refused_with_a_message_naming_the_variable(monkeypatch):
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    error = call_raises(SecretKeyError, load_secret_key)
    assert "FLASK_SECRET_KEY" in str(error), (
        f"the error said {str(error)!r}; expected it to name FLASK_SECRET_KEY"
    )


@pytest.mark.task(1)
@pytest.mark.parametrize(
    "secret", ["", " " * 40, "supersecretkey", "x" * 31],
    ids=["an empty key", "a blank key", "the bank's key", "a 31-character key"],
)
def test_an_empty_blank_or_short_secret_key_is_refused(secret):
    error = call_raises(SecretKeyError, load_secret_key, {"FLASK_SECRET_KEY": secret})
    assert "FLASK_SECRET_KEY" in str(error), (
        f"the error for {secret!r} said {str(error)!r}; expected it to name FLASK_SECRET_KEY"
    )


@pytest.mark.task(1)
def test_a_secret_of_exactly_32_characters_is_enough():
    got = load_secret_key({"FLASK_SECRET_KEY": "k" * 32})
    assert got == "k" * 32, f"load_secret_key with a 32-character key returned {got!r}"


@pytest.mark.task(1)
def test_create_app_refuses_to_start_without_a_secret(monkeypatch):
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    call_raises(SecretKeyError, create_app, USERS)
    call_raises(SecretKeyError, create_app, USERS, {"FLASK_SECRET_KEY": "short"})


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
    body = log_in(client).get_json(silent=True)
    assert body == {"user": "alice"}, f"POST /login answered {body}; expected {{'user': 'alice'}}"
    status, body = whoami_status(client)
    assert (status, body) == (200, {"user": "alice"}), (
        f"GET /whoami after logging in answered {status} {body}; expected 200 {{'user': 'alice'}}"
    )


@pytest.mark.task(2)
def test_anonymous_whoami_is_a_401_json_error_not_a_500(client):
    assert_error(client.get("/whoami"), 401, "GET /whoami with no session")


@pytest.mark.task(2)
def test_a_session_without_a_user_is_anonymous(client):
    with client.session_transaction() as sess:
        sess["theme"] = "dark"
    assert_error(client.get("/whoami"), 401,
                 "GET /whoami with a session holding only {'theme': 'dark'}")


@pytest.mark.task(2)
@pytest.mark.parametrize(
    ("username", "password"),
    [("alice", "WONDERLAND"), ("alice", "wonderland "), ("mallory", "wonderland"),
     ("bob", "wonderland")],
    ids=["alice with her password in capitals", "alice with a trailing space", "an unknown user",
         "bob with alice's password"],
)
def test_a_bad_login_is_401_and_logs_no_one_in(client, username, password):
    response = post(client, "/login", json={"username": username, "password": password})
    assert_error(response, 401, f"POST /login as {username!r} with {password!r}")
    status, body = whoami_status(client)
    assert status == 401, f"after a failed login GET /whoami answered {status} {body}"


MALFORMED_LOGINS = [
    ("invalid JSON", {"data": '{"username": ', "content_type": "application/json"}),
    ("a JSON string", {"json": "alice"}),
    ("a missing password", {"json": {"username": "alice"}}),
    ("a missing username", {"json": {"password": "wonderland"}}),
    ("a list as username", {"json": {"username": ["alice"], "password": "wonderland"}}),
    ("a number as password", {"json": {"username": "alice", "password": 42}}),
    ("a form post", {"data": {"username": "alice", "password": "wonderland"}}),
    ("an empty username", {"json": {"username": "", "password": "wonderland"}}),
    ("an empty password", {"json": {"username": "bob", "password": ""}}),
]


@pytest.mark.task(2)
@pytest.mark.parametrize(("case", "kwargs"), MALFORMED_LOGINS,
                         ids=[case for case, _ in MALFORMED_LOGINS])
def test_a_malformed_login_body_is_400(client, case, kwargs):
    assert_error(post(client, "/login", **kwargs), 400, f"POST /login with {case}")
    status, body = whoami_status(client)
    assert status == 401, f"after a malformed login GET /whoami answered {status} {body}"


@pytest.mark.task(2)
def test_logout_clears_the_session(client):
    log_in(client)
    with client.session_transaction() as sess:
        sess["cart"] = ["book"]
    response = post(client, "/logout")
    assert response.status_code == 204 and response.get_data() == b"", (
        f"POST /logout answered {text(response)}; expected 204 with an empty body"
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


@pytest.fixture
def signing_clock(monkeypatch) -> list[int]:
    """Flask stamps and checks session cookies with itsdangerous' TimestampSigner.get_timestamp;
    the test sets the time it returns (whole seconds, as the cookie stores them)."""
    now = [1_800_000_000]
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now[0])
    return now


@pytest.mark.task(3)
@pytest.mark.parametrize(
    ("age", "want"),
    [(8 * 3600, 200), (8 * 3600 + 1, 401), (31 * 24 * 3600, 401)],
    ids=["signed exactly 8 hours ago", "signed 8 hours and 1 second ago", "signed 31 days ago"],
)
def test_a_session_lasts_session_lifetime_and_no_longer(app, signing_clock, age, want):
    client = app.test_client()
    log_in(client)
    signing_clock[0] += age
    status, body = whoami_status(client)
    assert status == want, (
        f"GET /whoami with a session cookie signed {age} s ago answered {status} {body}; "
        f"expected {want}: set PERMANENT_SESSION_LIFETIME to SESSION_LIFETIME (8 hours; "
        "Flask's default is 31 days)"
    )


@pytest.mark.task(3)
def test_login_drops_values_planted_before_login(client):
    with client.session_transaction() as sess:  # e.g. set by an attacker or an earlier visitor
        sess["planted"] = "by-someone-else"
        sess["role"] = "admin"
        sess["user"] = "mallory"
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
    assert status == 401 and isinstance(body, dict) and "error" in body, (
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


# --- Task 4 ------------------------------------------------------------------------------------


def get_csrf(client) -> str:
    response = client.get("/csrf")
    body = response.get_json(silent=True)
    token = body.get("csrf_token") if isinstance(body, dict) else None
    assert response.status_code == 200 and isinstance(token, str), (
        f"GET /csrf answered {text(response)}; expected 200 {{'csrf_token': '<token>'}}"
    )
    return token


def logged_in_client(app):
    client = app.test_client()
    log_in(client)
    return client


@pytest.mark.task(4)
def test_csrf_gives_one_random_token_per_session(app):
    one, two = app.test_client(), app.test_client()
    first = get_csrf(one)
    assert len(first) >= 43, (
        f"GET /csrf gave {first!r} ({len(first)} characters); expected secrets.token_urlsafe(32) "
        "(43 characters: 32 random bytes)"
    )
    again = get_csrf(one)
    assert again == first, (
        f"GET /csrf twice in one session gave {first!r} then {again!r}; expected the same token "
        "until the session is cleared"
    )
    other = get_csrf(two)
    assert other != first, "two sessions got the same CSRF token; expected a random one each"


@pytest.mark.task(4)
def test_logout_with_the_sessions_token_works(app):
    client = logged_in_client(app)
    response = client.post("/logout", headers={"X-CSRF-Token": get_csrf(client)})
    assert response.status_code == 204, (
        f"POST /logout with the session's X-CSRF-Token answered {text(response)}; expected 204"
    )


def wrong_headers(client, other) -> dict[str, dict]:
    token = get_csrf(client)
    return {
        "no X-CSRF-Token header": {},
        "an empty X-CSRF-Token": {"X-CSRF-Token": ""},
        "another session's token": {"X-CSRF-Token": get_csrf(other)},
        "the token minus its last character": {"X-CSRF-Token": token[:-1]},
        "the token plus one character": {"X-CSRF-Token": token + "A"},
        "the token in upper case": {"X-CSRF-Token": token.upper()},
        "a non-ASCII token": {"X-CSRF-Token": "tökén-" + token[6:]},
        "the token in another header": {"X-XSRF-Token": token},
    }


CASES = ["no X-CSRF-Token header", "an empty X-CSRF-Token", "another session's token",
         "the token minus its last character", "the token plus one character",
         "the token in upper case", "a non-ASCII token", "the token in another header"]


@pytest.mark.task(4)
@pytest.mark.parametrize("case", CASES)
def test_logout_without_the_right_token_is_403_and_keeps_the_user(app, case):
    client = logged_in_client(app)
    headers = wrong_headers(client, app.test_client())[case]
    assert_error(client.post("/logout", headers=headers), 403, f"POST /logout with {case}")
    status, body = whoami_status(client)
    assert (status, body) == (200, {"user": "alice"}), (
        f"after a refused POST /logout ({case}) GET /whoami answered {status} {body}; expected "
        "alice still logged in: a refused request changes nothing"
    )


@pytest.mark.task(4)
@pytest.mark.parametrize(
    "headers", [{}, {"X-CSRF-Token": ""}, {"X-CSRF-Token": "anything"}],
    ids=["no header", "an empty header", "a made-up token"],
)
def test_a_session_without_a_token_accepts_no_post(app, headers):
    client = app.test_client()  # never asked GET /csrf: the session has no token to match
    response = client.post("/login", json={"username": "alice", "password": "wonderland"},
                           headers=headers)
    assert_error(response, 403, f"POST /login from a session with no CSRF token, with {headers}")
    status, body = whoami_status(client)
    assert status == 401, f"after a refused login GET /whoami answered {status} {body}"


@pytest.mark.task(4)
def test_the_csrf_check_comes_before_reading_the_body(client):
    get_csrf(client)
    response = client.post("/login", data="{not json", content_type="application/json")
    assert_error(response, 403, "POST /login with invalid JSON and no X-CSRF-Token")


@pytest.mark.task(4)
@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_every_unsafe_method_needs_the_token(client, method):
    get_csrf(client)
    response = client.open("/logout", method=method)
    assert_error(response, 403, f"{method} /logout without X-CSRF-Token")


@pytest.mark.task(4)
def test_safe_methods_need_no_token(app):
    client = logged_in_client(app)
    for method in ("GET", "HEAD", "OPTIONS"):
        response = client.open("/whoami", method=method)
        assert response.status_code == 200, (
            f"{method} /whoami without X-CSRF-Token answered {text(response)}; expected 200: "
            "only POST, PUT, PATCH and DELETE need the token"
        )


@pytest.mark.task(4)
def test_login_replaces_the_csrf_token(app):
    client = app.test_client()
    before = get_csrf(client)
    response = client.post("/login", json={"username": "alice", "password": "wonderland"},
                           headers={"X-CSRF-Token": before})
    assert response.status_code == 200, (
        f"POST /login with the session's token answered {text(response)}; expected 200"
    )
    refused = client.post("/logout", headers={"X-CSRF-Token": before})
    assert_error(refused, 403, "POST /logout with the token from before the login")
    after = get_csrf(client)
    assert after != before, (
        "GET /csrf after login gave the pre-login token again; expected a new one (login "
        "clears the session, token included)"
    )
    response = client.post("/logout", headers={"X-CSRF-Token": after})
    assert response.status_code == 204, (
        f"POST /logout with the post-login token answered {text(response)}; expected 204"
    )
