"""Tests for password_security: hashing, rehash on login, settings, masking, tokens, HTTPS."""

from __future__ import annotations

import hmac
import logging
import secrets

import password_security as ps
import pytest
from argon2 import PasswordHasher
from password_security import (
    MAX_PASSWORD_BYTES,
    Accounts,
    PasswordPolicyError,
    SecretFilter,
    Settings,
    SettingsError,
    create_app,
    hash_password,
    tokens_match,
    verify_password,
)

# Cheap parameters keep the suite fast; OLD is "last year's" weaker setting.
OLD = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
CURRENT = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)

SECRET_KEY = "sk-7Hq2Vn9Lw4Rt8Yp3Zc6Mb1Xd5Gf0Jk-secret"
API_TOKEN = "tok-Qm4Wx8Ez2Rc6Tv0Yb3Un7Ik1Ol5Pa9-api"
DB_PASSWORD = "Db-Pa55w0rd-Xy9Qz"
DATABASE_URL = f"postgresql://app:{DB_PASSWORD}@db.internal:5432/app"
ENV = {"SECRET_KEY": SECRET_KEY, "DATABASE_URL": DATABASE_URL, "API_TOKEN": API_TOKEN}
ALL_SECRETS = (SECRET_KEY, API_TOKEN, DB_PASSWORD)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    return dict(ENV)


@pytest.fixture
def settings() -> Settings:
    return Settings(secret_key=SECRET_KEY, database_url=DATABASE_URL, api_token=API_TOKEN)


@pytest.fixture
def app(settings: Settings):
    app = create_app(settings, trusted_hops=1)
    app.testing = True
    return app


def leaked(text: str) -> list[str]:
    return [s for s in ALL_SECRETS if s in text]


# --- Task 1 ------------------------------------------------------------------------------------


@pytest.mark.task(1)
def test_hash_is_argon2id_and_verifies_with_argon2_itself():
    stored = hash_password("correct horse battery staple", CURRENT)
    assert isinstance(stored, str) and stored.startswith("$argon2id$"), (
        f"hash_password(...) returned {stored!r}; expected an argon2id string '$argon2id$...'"
    )
    assert "m=16,t=2,p=1" in stored, (
        f"hash_password(pw, hasher) returned {stored!r}; expected the hasher's parameters "
        "m=16,t=2,p=1 in it (use the hasher you were given)"
    )
    assert CURRENT.verify(stored, "correct horse battery staple")
    assert verify_password(stored, "correct horse battery staple", CURRENT) is True


@pytest.mark.task(1)
def test_two_hashes_of_one_password_differ_because_of_the_salt():
    first, second = hash_password("same password", CURRENT), hash_password("same password", CURRENT)
    assert first != second, (
        f"hash_password('same password') returned {first!r} twice; expected two different "
        "hashes (each needs its own random salt)"
    )
    assert verify_password(first, "same password", CURRENT)
    assert verify_password(second, "same password", CURRENT)


@pytest.mark.task(1)
@pytest.mark.parametrize("attempt", ["wrong password", "Same password", "same password ", "same"])
def test_verification_fails_on_a_wrong_or_look_alike_password(attempt):
    stored = hash_password("same password", CURRENT)
    got = verify_password(stored, attempt, CURRENT)
    assert got is False, f"verify_password(hash of 'same password', {attempt!r}) returned {got!r}"


@pytest.mark.task(1)
@pytest.mark.parametrize("stored", ["", "not a hash", "$argon2id$v=19$m=16,t=2,p=1$broken",
                                    "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"])
def test_a_corrupt_stored_hash_is_a_failed_verification_not_a_crash(stored):
    got = verify_password(stored, "password", CURRENT)
    assert got is False, f"verify_password({stored!r}, 'password') returned {got!r}; expected False"


@pytest.mark.task(1)
def test_empty_and_oversized_passwords_are_rejected_with_password_policy_error():
    assert issubclass(PasswordPolicyError, ValueError), "PasswordPolicyError must be a ValueError"
    assert MAX_PASSWORD_BYTES == 1024, f"MAX_PASSWORD_BYTES is {MAX_PASSWORD_BYTES}; expected 1024"
    for bad in ["", "a" * 1025, "🔑" * 257]:  # 257 four-byte emoji = 1028 bytes but 257 characters
        with pytest.raises(PasswordPolicyError):
            hash_password(bad, CURRENT)
        with pytest.raises(PasswordPolicyError):
            verify_password(OLD.hash("x"), bad, CURRENT)
    exactly = "🔑" * 256  # 1024 bytes: the largest accepted password
    assert verify_password(hash_password(exactly, CURRENT), exactly, CURRENT), (
        "a password of exactly 1024 UTF-8 bytes must be accepted"
    )


@pytest.mark.task(1)
@pytest.mark.parametrize("bad", [b"bytes password", None, 12345, ["list"]])
def test_non_string_passwords_are_rejected_with_type_error(bad):
    with pytest.raises(TypeError):
        hash_password(bad, CURRENT)
    with pytest.raises(TypeError):
        verify_password(OLD.hash("x"), bad, CURRENT)


# --- Task 2 ------------------------------------------------------------------------------------


@pytest.mark.task(2)
def test_login_with_an_outdated_hash_succeeds_and_stores_an_upgraded_hash():
    old_hash = OLD.hash("hunter2-but-longer")
    store = {"ada": old_hash}
    accounts = Accounts(store, CURRENT)
    got = accounts.login("ada", "hunter2-but-longer")
    assert got is True, f"login('ada', correct password) returned {got!r}; expected True"
    assert store["ada"] != old_hash, "login kept the hash made with outdated parameters"
    assert not CURRENT.check_needs_rehash(store["ada"]), (
        f"after login the stored hash is {store['ada']!r}; expected the current parameters m=16,t=2"
    )
    assert CURRENT.verify(store["ada"], "hunter2-but-longer")


@pytest.mark.task(2)
def test_login_with_a_current_hash_does_not_rewrite_it():
    accounts = Accounts({}, CURRENT)
    accounts.register("ada", "lovelace-1815")
    before = accounts.store["ada"]
    assert before.startswith("$argon2id$") and "lovelace" not in before
    assert accounts.login("ada", "lovelace-1815") is True
    assert accounts.store["ada"] == before, "login rewrote a hash whose parameters were current"
    with pytest.raises(ValueError):
        accounts.register("ada", "another password")


@pytest.mark.task(2)
def test_a_failed_login_keeps_the_hash_and_logs_the_user_but_never_the_password(caplog):
    old_hash = OLD.hash("the-real-password")
    store = {"ada": old_hash}
    accounts = Accounts(store, CURRENT)
    with caplog.at_level(logging.DEBUG):
        got = accounts.login("ada", "Wrong-Pa55-guess")
        assert accounts.login("ada", "the-real-password") is True
    assert got is False, f"login('ada', wrong password) returned {got!r}; expected False"
    warnings = [r for r in caplog.records
                if r.levelno == logging.WARNING and "ada" in r.getMessage()]
    assert warnings, "a failed login must log a WARNING naming the user (an audit trail)"
    for password in ("Wrong-Pa55-guess", "the-real-password"):
        assert password not in caplog.text, f"a log record contains the password {password!r}"
        assert all(password not in repr(r.args) for r in caplog.records)


@pytest.mark.task(2)
def test_an_unknown_user_fails_after_the_same_work_as_a_known_one():
    calls: list[str] = []

    class SpyHasher(PasswordHasher):
        def verify(self, hash, password):
            calls.append(password)
            return super().verify(hash, password)

    accounts = Accounts({}, SpyHasher(time_cost=2, memory_cost=16, parallelism=1))
    got = accounts.login("nobody", "some password")
    assert got is False, f"login('nobody', ...) returned {got!r}; expected False"
    assert calls == ["some password"], (
        f"login for an unknown user ran hasher.verify {len(calls)} time(s); expected exactly once "
        "(against a dummy hash), so timing does not reveal which users exist"
    )


@pytest.mark.task(2)
def test_login_rejects_hostile_passwords_before_hashing():
    store = {"ada": OLD.hash("fine")}
    accounts = Accounts(store, CURRENT)
    with pytest.raises(PasswordPolicyError):
        accounts.login("ada", "x" * 100_000)
    with pytest.raises(TypeError):
        accounts.login("ada", None)
    assert store["ada"].startswith("$argon2id$v=19$m=8,"), "a rejected login changed the hash"


# --- Task 3 ------------------------------------------------------------------------------------


@pytest.mark.task(3)
def test_settings_are_read_from_the_environment_when_from_env_is_called(env, monkeypatch):
    monkeypatch.setenv("API_TOKEN", API_TOKEN[::-1])  # changed after import: must be seen
    got = Settings.from_env()
    assert (got.secret_key, got.database_url, got.api_token) == (
        SECRET_KEY, DATABASE_URL, API_TOKEN[::-1]), "Settings.from_env() did not read os.environ"
    explicit = Settings.from_env({**ENV, "SECRET_KEY": SECRET_KEY.upper()})
    assert explicit.secret_key == SECRET_KEY.upper(), "from_env(mapping) must read that mapping"


@pytest.mark.task(3)
@pytest.mark.parametrize("variable", ["SECRET_KEY", "DATABASE_URL", "API_TOKEN"])
@pytest.mark.parametrize("value", [None, "", "   "])
def test_a_missing_or_blank_variable_raises_settings_error_naming_it(env, monkeypatch, variable,
                                                                     value):
    if value is None:
        monkeypatch.delenv(variable)
    else:
        monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        Settings.from_env()
    assert caught.value.variable == variable, (
        f"SettingsError.variable is {caught.value.variable!r}; expected {variable!r}"
    )
    assert variable in str(caught.value), f"message {str(caught.value)!r} does not name {variable}"


@pytest.mark.task(3)
@pytest.mark.parametrize("variable", ["SECRET_KEY", "API_TOKEN"])
@pytest.mark.parametrize("weak", ["changeme", "dev", "x" * 64, "abcabcabcabcabcabcabcabcabcabcabc",
                                  "sk-7Hq2Vn9Lw4Rt8Yp3Zc6Mb1Xd5Gf"])
def test_a_weak_secret_is_refused_without_echoing_it(variable, weak):
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({**ENV, variable: weak})
    assert caught.value.variable == variable
    assert weak not in str(caught.value), (
        f"the error message {str(caught.value)!r} repeats the rejected secret; messages reach logs"
    )


@pytest.mark.task(3)
@pytest.mark.parametrize("url", ["garbage", "://nohost", "localhost:5432/app"])
def test_a_malformed_database_url_raises_settings_error(url):
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({**ENV, "DATABASE_URL": url})
    assert caught.value.variable == "DATABASE_URL"


# --- Task 4 ------------------------------------------------------------------------------------


@pytest.mark.task(4)
def test_repr_and_str_of_settings_mask_every_secret(settings):
    for shown in (repr(settings), str(settings), f"{settings}", f"{settings!r}"):
        assert not leaked(shown), f"repr/str of Settings is {shown!r}; it shows {leaked(shown)}"
        assert "db.internal" in shown and "***" in shown, (
            f"repr/str of Settings is {shown!r}; expected the database host to stay visible "
            "and secrets replaced by '***'"
        )


@pytest.mark.task(4)
def test_loading_and_logging_settings_puts_no_secret_in_any_log_record(env, caplog):
    log = logging.getLogger("password_security.test.settings")
    with caplog.at_level(logging.DEBUG):
        settings = Settings.from_env()
        log.info("settings: %s", settings)
        log.info("settings: %r", settings)
        log.debug("settings dict: %s", [settings])
    assert not leaked(caplog.text), f"captured logs contain {leaked(caplog.text)}"


@pytest.mark.task(4)
def test_secret_filter_redacts_secret_values_in_messages_and_arguments(settings, caplog):
    log = logging.getLogger("password_security.test.filter")
    redactor = SecretFilter(settings.secrets())
    log.addFilter(redactor)
    try:
        with caplog.at_level(logging.INFO):
            log.info("connecting to %s", DATABASE_URL)
            log.info(f"token is {API_TOKEN} and key {SECRET_KEY}")
            log.error("db password %r rejected", DB_PASSWORD)
    finally:
        log.removeFilter(redactor)
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 3, f"SecretFilter let {len(messages)} of 3 records through; expected 3"
    for message in messages:
        assert not leaked(message), f"after SecretFilter a record reads {message!r}"
        assert "***" in message, f"after SecretFilter a record reads {message!r}; expected '***'"


# --- Task 5 ------------------------------------------------------------------------------------


@pytest.mark.task(5)
def test_tokens_are_compared_with_hmac_compare_digest(monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    monkeypatch.setattr(secrets, "compare_digest", spy)
    if hasattr(ps, "compare_digest"):
        monkeypatch.setattr(ps, "compare_digest", spy)
    assert tokens_match(API_TOKEN, API_TOKEN) is True
    assert tokens_match(API_TOKEN, API_TOKEN[:-1] + "X") is False
    assert len(calls) == 2, (
        f"tokens_match called hmac.compare_digest {len(calls)} time(s) for 2 comparisons; "
        "`==` stops at the first differing character and leaks the token through timing"
    )


@pytest.mark.task(5)
@pytest.mark.parametrize("supplied", [None, "", "tökén-ünïcode", 12345, b"bytes", API_TOKEN + "x",
                                      API_TOKEN[:-1]])
def test_hostile_tokens_are_false_not_an_exception(supplied):
    got = tokens_match(API_TOKEN, supplied)
    assert got is False, f"tokens_match(API_TOKEN, {supplied!r}) returned {got!r}; expected False"


@pytest.mark.task(5)
@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer wrong-token", f"Basic {API_TOKEN}",
                                    f"Bearer {API_TOKEN}x", "Bearer tökén"])
def test_api_requires_the_bearer_token(app, header):
    headers = {} if header is None else {"Authorization": header}
    response = app.test_client().get("/api/secret", headers=headers, base_url="https://localhost")
    assert response.status_code == 401, (
        f"GET /api/secret with Authorization {header!r} returned {response.status_code}; "
        "expected 401"
    )
    assert response.is_json and "error" in response.get_json(), "expected a JSON body with 'error'"
    assert response.headers.get("WWW-Authenticate", "").startswith("Bearer")
    ok = app.test_client().get("/api/secret", headers={"Authorization": f"Bearer {API_TOKEN}"},
                               base_url="https://localhost")
    assert ok.status_code == 200 and ok.get_json() == {"ok": True}, (
        f"GET /api/secret with the right token returned {ok.status_code} "
        f"{ok.get_data(as_text=True)!r}"
    )


# --- Task 6 ------------------------------------------------------------------------------------


@pytest.mark.task(6)
def test_plain_http_is_permanently_redirected_to_https_without_hsts(app):
    client = app.test_client()
    response = client.get("/client-ip?a=1&b=2")
    assert response.status_code in (301, 308), (
        f"GET http://localhost/client-ip returned {response.status_code}; expected 301 or 308"
    )
    assert response.headers["Location"] == "https://localhost/client-ip?a=1&b=2", (
        f"redirect Location is {response.headers.get('Location')!r}; expected the same URL on https"
    )
    assert "Strict-Transport-Security" not in response.headers, (
        "the http response carries Strict-Transport-Security; HSTS belongs on https responses only"
    )
    posted = client.post("/api/secret", data=b"payload")
    assert posted.status_code == 308, (
        f"POST over http returned {posted.status_code}; expected 308 (301 may turn POST into GET)"
    )


@pytest.mark.task(6)
def test_https_announced_by_the_trusted_proxy_is_served_with_hsts(app):
    response = app.test_client().get("/client-ip", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200, (
        f"GET /client-ip with X-Forwarded-Proto: https returned {response.status_code}; expected "
        "200 (wrap app.wsgi_app in werkzeug's ProxyFix)"
    )
    hsts = response.headers.get("Strict-Transport-Security", "")
    assert "max-age=" in hsts and int(hsts.split("max-age=")[1].split(";")[0]) >= 31536000, (
        f"Strict-Transport-Security is {hsts!r}; expected max-age of at least one year"
    )
    direct = app.test_client().get("/client-ip", base_url="https://localhost")
    assert direct.status_code == 200 and "Strict-Transport-Security" in direct.headers


@pytest.mark.task(6)
def test_a_spoofed_forwarded_proto_beyond_the_trusted_hop_is_ignored(app):
    # The client wrote "https"; our one proxy appended the truth, "http".
    response = app.test_client().get("/client-ip", headers={"X-Forwarded-Proto": "https, http"})
    assert response.status_code in (301, 308), (
        f"X-Forwarded-Proto 'https, http' with one trusted proxy returned {response.status_code}; "
        "expected a redirect: only the last value was written by our proxy"
    )
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.task(6)
@pytest.mark.parametrize(("hops", "forwarded", "expected"), [
    (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
    (2, "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
    (0, "6.6.6.6", "127.0.0.1"),
])
def test_the_client_address_comes_from_the_trusted_hops_only(settings, hops, forwarded, expected):
    app = create_app(settings, trusted_hops=hops)
    response = app.test_client().get(
        "/client-ip", headers={"X-Forwarded-For": forwarded, "X-Forwarded-Proto": "https"},
        base_url="https://localhost")
    got = response.get_json() if response.is_json else response.status_code
    assert got == {"ip": expected}, (
        f"trusted_hops={hops}, X-Forwarded-For {forwarded!r}: /client-ip returned {got!r}; "
        f"expected {{'ip': {expected!r}}}"
    )


@pytest.mark.task(6)
def test_without_trusted_proxies_forwarded_headers_change_nothing(settings):
    app = create_app(settings, trusted_hops=0)
    response = app.test_client().get("/client-ip", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code in (301, 308), (
        f"trusted_hops=0 and a client-sent X-Forwarded-Proto: https gave {response.status_code}; "
        "expected a redirect: with no proxy in front, the header is the client's invention"
    )
    for bad in (-1, "1", 1.5):
        with pytest.raises((ValueError, TypeError)):
            create_app(settings, trusted_hops=bad)
