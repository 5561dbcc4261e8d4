"""Tests for password_security: hashing, rehash on login, settings, masking, tokens, HTTPS."""

from __future__ import annotations

import dataclasses
import hmac
import logging
import secrets

import password_security as ps
import pytest
from argon2 import PasswordHasher
from kata_support import call_raises, expect_raises
from password_security import (
    MAX_PASSWORD_BYTES,
    Accounts,
    PasswordPolicyError,
    SecretFilter,
    Settings,
    SettingsError,
    check_new_password,
    check_password,
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
    app = create_app(settings)
    app.testing = True
    return app


def leaked(text: str) -> list[str]:
    return [s for s in ALL_SECRETS if s in text]


# --- Task 1 ------------------------------------------------------------------------------------

PASSPHRASE = "tr0ub4dor and three more words"  # 30 characters, on no list


@pytest.mark.task(1)
def test_hash_is_argon2id_and_verifies_with_argon2_itself():
    stored = hash_password(PASSPHRASE, CURRENT)
    assert isinstance(stored, str) and stored.startswith("$argon2id$"), (
        f"hash_password(...) returned {stored!r}; expected an argon2id string '$argon2id$...'"
    )
    assert "m=16,t=2,p=1" in stored, (
        f"hash_password(pw, hasher) returned {stored!r}; expected the hasher's parameters "
        "m=16,t=2,p=1 in it (use the hasher you were given)"
    )
    assert CURRENT.verify(stored, PASSPHRASE)
    got = verify_password(stored, PASSPHRASE, CURRENT)
    assert got is True, f"verify_password(hash_password(pw), pw) returned {got!r}; expected True"


# The real DEFAULT_HASHER takes about a second per hash on a busy machine: the tests put a
# cheap one in its place (a function that reads DEFAULT_HASHER when called sees it).
CHEAP_DEFAULT = PasswordHasher(time_cost=1, memory_cost=12, parallelism=1)


@pytest.fixture
def default_hashers(monkeypatch) -> tuple[PasswordHasher, PasswordHasher]:
    original = ps.DEFAULT_HASHER
    monkeypatch.setattr(ps, "DEFAULT_HASHER", CHEAP_DEFAULT)
    return original, CHEAP_DEFAULT


def made_by_default(stored: str, hashers) -> bool:
    return any(not h.check_needs_rehash(stored) for h in hashers)


@pytest.mark.task(1)
def test_without_a_hasher_the_default_hasher_is_used(default_hashers):
    stored = hash_password(PASSPHRASE)
    assert isinstance(stored, str) and stored.startswith("$argon2id$"), (
        f"hash_password({PASSPHRASE!r}) returned {stored!r}; expected an argon2id hash"
    )
    assert made_by_default(stored, default_hashers), (
        f"hash_password(pw) without a hasher returned {stored!r}; expected DEFAULT_HASHER's "
        "parameters in it"
    )
    got = verify_password(stored, PASSPHRASE)
    assert got is True, f"verify_password(stored, pw) without a hasher returned {got!r}"


@pytest.mark.task(1)
def test_two_hashes_of_one_password_differ_because_of_the_salt():
    first, second = hash_password(PASSPHRASE, CURRENT), hash_password(PASSPHRASE, CURRENT)
    assert first != second, (
        f"hash_password({PASSPHRASE!r}) returned {first!r} twice; expected two different "
        "hashes (each needs its own random salt)"
    )
    assert verify_password(first, PASSPHRASE, CURRENT) is True
    assert verify_password(second, PASSPHRASE, CURRENT) is True


@pytest.mark.task(1)
@pytest.mark.parametrize(
    "attempt", ["wrong password", PASSPHRASE.upper(), PASSPHRASE + " ", PASSPHRASE[:-1]],
    ids=["another password", "the password in capitals", "with a trailing space",
         "without its last character"],
)
def test_verification_fails_on_a_wrong_or_look_alike_password(attempt):
    stored = hash_password(PASSPHRASE, CURRENT)
    got = verify_password(stored, attempt, CURRENT)
    assert got is False, f"verify_password(hash of {PASSPHRASE!r}, {attempt!r}) returned {got!r}"


@pytest.mark.task(1)
@pytest.mark.parametrize(
    "stored", ["", "not a hash", "$argon2id$v=19$m=16,t=2,p=1$broken",
               "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"],
    ids=["an empty string", "plain text", "a truncated argon2 hash", "a bare SHA-256"],
)
def test_a_corrupt_stored_hash_is_a_failed_verification_not_a_crash(stored):
    got = verify_password(stored, "password", CURRENT)
    assert got is False, f"verify_password({stored!r}, 'password') returned {got!r}; expected False"


def assert_explains(error: BaseException, call: str, password: object = None) -> None:
    message = str(error)
    assert message.strip(), (
        f"{call} raised {type(error).__name__} with no message; say what is wrong"
    )
    if isinstance(password, str) and len(password) > 3:
        assert password not in message, (
            f"{call} raised {type(error).__name__}({message!r}): the message repeats the password"
        )


OVERSIZED = [
    pytest.param("", id="an empty password"),
    pytest.param("a" * 1025, id="1025 ASCII characters"),
    pytest.param("🔑" * 257, id="257 four-byte emoji (1028 bytes)"),
]


@pytest.mark.task(1)
@pytest.mark.parametrize("bad", OVERSIZED)
def test_empty_and_oversized_passwords_are_rejected_everywhere(bad):
    assert issubclass(PasswordPolicyError, ValueError), "PasswordPolicyError must be a ValueError"
    assert_explains(call_raises(PasswordPolicyError, check_password, bad), "check_password(...)")
    call_raises(PasswordPolicyError, hash_password, bad, CURRENT)
    call_raises(PasswordPolicyError, verify_password, OLD.hash("x"), bad, CURRENT)


@pytest.mark.task(1)
def test_a_password_of_exactly_1024_bytes_is_accepted():
    assert MAX_PASSWORD_BYTES == 1024, f"MAX_PASSWORD_BYTES is {MAX_PASSWORD_BYTES}; expected 1024"
    exactly = "🔑" * 256  # 1024 bytes: the largest accepted password
    got = check_password(exactly)
    assert got == exactly, "check_password('🔑' * 256) must return the password (1024 bytes)"
    assert verify_password(hash_password(exactly, CURRENT), exactly, CURRENT) is True, (
        "a password of exactly 1024 UTF-8 bytes must hash and verify"
    )


@pytest.mark.task(1)
@pytest.mark.parametrize("bad", [b"bytes password here", None, 12345, ["list"]],
                         ids=["bytes", "None", "an int", "a list"])
def test_non_string_passwords_are_rejected_with_type_error(bad):
    assert_explains(call_raises(TypeError, check_password, bad), f"check_password({bad!r})")
    call_raises(TypeError, check_new_password, bad)
    call_raises(TypeError, hash_password, bad, CURRENT)
    call_raises(TypeError, verify_password, OLD.hash("x"), bad, CURRENT)


SHORT_OR_COMMON = [
    pytest.param("fourteen-chars", id="14 ASCII characters"),
    pytest.param("🔑" * 14, id="14 emoji (56 bytes, but 14 characters)"),
    pytest.param("passwordpassword", id="a common password"),
    pytest.param("PasswordPassword", id="a common password in other case"),
    pytest.param("CORRECT HORSE BATTERY STAPLE", id="a famous passphrase in capitals"),
]


@pytest.mark.task(1)
@pytest.mark.parametrize("bad", SHORT_OR_COMMON)
def test_a_new_password_must_be_long_and_not_common(bad):
    error = call_raises(PasswordPolicyError, check_new_password, bad)
    assert_explains(error, f"check_new_password({bad!r})", bad)
    call_raises(PasswordPolicyError, hash_password, bad, CURRENT)


@pytest.mark.task(1)
@pytest.mark.parametrize(
    "good", ["fifteen-chars!!", "🔑" * 15, "passwordpassword1", "horse battery staple correct"],
    ids=["15 ASCII characters", "15 emoji", "a common password plus one character",
         "a famous passphrase reordered"],
)
def test_a_long_uncommon_new_password_is_accepted(good):
    got = check_new_password(good)
    assert got == good, f"check_new_password({good!r}) returned {got!r}; expected the password"
    assert verify_password(hash_password(good, CURRENT), good, CURRENT) is True


@pytest.mark.task(1)
def test_check_new_password_uses_the_blocklist_it_is_given():
    blocklist = {"Kata-Service-2025!"}  # e.g. the name of the site: NIST's context words
    call_raises(PasswordPolicyError, check_new_password, "kata-service-2025!", blocklist)
    got = check_new_password("kata-service-2026!", blocklist)
    assert got == "kata-service-2026!", (
        f"check_new_password('kata-service-2026!', {blocklist}) returned {got!r}; expected the "
        "password (it is not on that list)"
    )


@pytest.mark.task(1)
def test_an_old_short_password_still_verifies():
    stored = OLD.hash("hunter2")  # chosen before the 15-character rule
    got = verify_password(stored, "hunter2", CURRENT)
    assert got is True, (
        f"verify_password(old hash of 'hunter2', 'hunter2') returned {got!r}; expected True: "
        "the new-password rules apply when a password is chosen, not when it is checked"
    )


# --- Task 2 ------------------------------------------------------------------------------------


@pytest.mark.task(2)
@pytest.mark.parametrize("password", ["hunter2", "hunter2-but-much-longer"],
                         ids=["a short password from before the policy", "a long password"])
def test_login_with_an_outdated_hash_succeeds_and_stores_an_upgraded_hash(password):
    old_hash = OLD.hash(password)
    store = {"ada": old_hash}
    accounts = Accounts(store, CURRENT)
    got = accounts.login("ada", password)
    assert got is True, f"login('ada', {password!r}) returned {got!r}; expected True"
    assert store["ada"] != old_hash, "login kept the hash made with outdated parameters"
    assert not CURRENT.check_needs_rehash(store["ada"]), (
        f"after login the stored hash is {store['ada']!r}; expected the current parameters m=16,t=2"
    )
    assert CURRENT.verify(store["ada"], password)


@pytest.mark.task(2)
def test_accounts_without_a_hasher_use_the_default_hasher(default_hashers):
    store: dict[str, str] = {}
    accounts = Accounts(store)
    accounts.register("ada", PASSPHRASE)
    assert made_by_default(store.get("ada", ""), default_hashers), (
        f"Accounts(store).register stored {store.get('ada')!r}; expected a hash with "
        "DEFAULT_HASHER's parameters"
    )
    assert accounts.login("ada", PASSPHRASE) is True


@pytest.mark.task(2)
def test_login_with_a_current_hash_does_not_rewrite_it():
    accounts = Accounts({}, CURRENT)
    accounts.register("ada", "lovelace-analytical-1843")
    before = accounts.store["ada"]
    assert before.startswith("$argon2id$") and "lovelace" not in before, (
        f"register stored {before!r}; expected an argon2id hash"
    )
    assert accounts.login("ada", "lovelace-analytical-1843") is True
    assert accounts.store["ada"] == before, "login rewrote a hash whose parameters were current"
    error = call_raises(ValueError, accounts.register, "ada", "another long password here")
    assert_explains(error, "register('ada', ...) for an existing user",
                    "another long password here")


@pytest.mark.task(2)
def test_register_applies_the_new_password_rules():
    store: dict[str, str] = {}
    accounts = Accounts(store, CURRENT)
    call_raises(PasswordPolicyError, accounts.register, "ada", "short")
    call_raises(PasswordPolicyError, accounts.register, "ada", "iloveyouILOVEYOU")
    assert store == {}, f"a refused registration left {store} in the store; expected nothing"


@pytest.mark.task(2)
def test_a_failed_login_keeps_the_hash_and_logs_the_user_but_never_the_password(caplog):
    old_hash = OLD.hash("the-real-password")
    store = {"ada": old_hash}
    accounts = Accounts(store, CURRENT)
    with caplog.at_level(logging.DEBUG):
        got = accounts.login("ada", "Wrong-Pa55-guess")
        assert store["ada"] == old_hash, "a failed login changed the stored hash"
        assert accounts.login("ada", "the-real-password") is True
    assert got is False, f"login('ada', wrong password) returned {got!r}; expected False"
    warnings = [r for r in caplog.records if r.name == "password_security"
                and r.levelno == logging.WARNING and "ada" in r.getMessage()]
    assert warnings, (
        "a failed login must log a WARNING naming the user on the 'password_security' logger "
        f"(an audit trail); got {[(r.name, r.levelname, r.getMessage()) for r in caplog.records]}"
    )
    for password in ("Wrong-Pa55-guess", "the-real-password"):
        assert password not in caplog.text, f"a log record contains the password {password!r}"
        assert all(password not in repr(r.args) for r in caplog.records)


@pytest.mark.task(2)
def test_an_unknown_user_fails_after_the_same_work_as_a_known_one(caplog):
    calls: list[str] = []

    class SpyHasher(PasswordHasher):
        def verify(self, hash, password):
            calls.append(password)
            return super().verify(hash, password)

    accounts = Accounts({}, SpyHasher(time_cost=2, memory_cost=16, parallelism=1))
    with caplog.at_level(logging.DEBUG):
        got = accounts.login("nobody", "some password")
    assert got is False, f"login('nobody', ...) returned {got!r}; expected False"
    assert calls == ["some password"], (
        f"login for an unknown user ran hasher.verify {len(calls)} time(s); expected exactly once "
        "(against a dummy hash), so timing does not reveal which users exist"
    )
    assert any(r.levelno == logging.WARNING and r.name == "password_security"
               for r in caplog.records), "a login for an unknown user must log a WARNING"


@pytest.mark.task(2)
def test_login_rejects_hostile_passwords_before_hashing():
    store = {"ada": OLD.hash("fine")}
    accounts = Accounts(store, CURRENT)
    call_raises(PasswordPolicyError, accounts.login, "ada", "x" * 100_000)
    call_raises(TypeError, accounts.login, "ada", None)
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
@pytest.mark.parametrize("value", [None, "", "   "], ids=["unset", "empty", "blank"])
def test_a_missing_or_blank_variable_raises_settings_error_naming_it(env, monkeypatch, variable,
                                                                     value):
    if value is None:
        monkeypatch.delenv(variable)
    else:
        monkeypatch.setenv(variable, value)
    error = call_raises(SettingsError, Settings.from_env)
    assert error.variable == variable, (
        f"Settings.from_env() with {variable}={value!r} raised SettingsError with variable "
        f"{error.variable!r}; expected {variable!r}"
    )
    assert variable in str(error), f"message {str(error)!r} does not name {variable}"
    assert str(error).replace(variable, "").strip(), (
        f"the error message {str(error)!r} names {variable} but not the problem"
    )


WEAK = [
    pytest.param("changeme", id="changeme"),
    pytest.param("dev", id="dev"),
    pytest.param("x" * 64, id="64 times x"),
    pytest.param("abcdefg" * 5, id="35 characters but 7 distinct"),
    pytest.param("sk-7Hq2Vn9Lw4Rt8Yp3Zc6Mb1Xd5Gf0", id="31 varied characters"),
]


@pytest.mark.task(3)
@pytest.mark.parametrize("variable", ["SECRET_KEY", "API_TOKEN"])
@pytest.mark.parametrize("weak", WEAK)
def test_a_weak_secret_is_refused_without_echoing_it(variable, weak):
    error = call_raises(SettingsError, Settings.from_env, {**ENV, variable: weak})
    assert error.variable == variable, (
        f"from_env with a weak {variable} raised SettingsError for {error.variable!r}"
    )
    assert weak not in str(error), (
        f"the error message {str(error)!r} repeats the rejected secret; messages reach logs"
    )
    assert str(error).replace(variable, "").strip(), (
        f"the error message {str(error)!r} names {variable} but not the problem"
    )


@pytest.mark.task(3)
@pytest.mark.parametrize(
    "secret", ["sk-7Hq2Vn9Lw4Rt8Yp3Zc6Mb1Xd5Gf0J", "abcdefgh" * 4],
    ids=["exactly 32 characters", "32 characters, exactly 8 distinct"],
)
def test_a_secret_at_the_limits_is_accepted(secret):
    for variable in ("SECRET_KEY", "API_TOKEN"):
        got = Settings.from_env({**ENV, variable: secret})
        assert getattr(got, variable.lower()) == secret, (
            f"Settings.from_env with a {len(secret)}-character {variable} with "
            f"{len(set(secret))} distinct characters did not keep it"
        )


@pytest.mark.task(3)
@pytest.mark.parametrize("url", ["garbage", "://nohost", "localhost:5432/app"],
                         ids=["a word", "no scheme", "host and port only"])
def test_a_malformed_database_url_raises_settings_error(url):
    error = call_raises(SettingsError, Settings.from_env, {**ENV, "DATABASE_URL": url})
    assert error.variable == "DATABASE_URL", (
        f"from_env with DATABASE_URL={url!r} blamed {error.variable!r}; expected DATABASE_URL"
    )
    assert str(error).replace("DATABASE_URL", "").strip(), (
        f"the error message {str(error)!r} names DATABASE_URL but not the problem"
    )


@pytest.mark.task(3)
def test_validation_also_guards_direct_construction_and_settings_are_frozen(settings):
    with expect_raises(SettingsError, "Settings(secret_key='dev', ...)"):
        Settings(secret_key="dev", database_url=DATABASE_URL, api_token=API_TOKEN)
    with expect_raises(dataclasses.FrozenInstanceError, "settings.api_token = 'x'"):
        settings.api_token = "x"  # type: ignore[misc]
    assert settings.api_token == API_TOKEN, "assigning to a field of frozen Settings changed it"


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
def test_from_env_logs_the_masked_settings_at_info(env, caplog):
    with caplog.at_level(logging.DEBUG, logger="password_security"):
        Settings.from_env()
    infos = [r.getMessage() for r in caplog.records
             if r.name == "password_security" and r.levelno == logging.INFO]
    masked = "postgresql://app:***@db.internal:5432/app"
    assert any(masked in message for message in infos), (
        f"Settings.from_env() logged {infos} at INFO on 'password_security'; expected a record "
        f"with the loaded settings, i.e. their repr with {masked!r}"
    )
    assert not leaked(caplog.text), f"captured logs contain {leaked(caplog.text)}"


@pytest.mark.task(4)
def test_settings_secrets_lists_every_secret_value(settings):
    got = settings.secrets()
    missing = [s for s in (SECRET_KEY, API_TOKEN, DATABASE_URL, DB_PASSWORD)
               if not isinstance(got, list | tuple | set | frozenset) or s not in got]
    assert not missing, (
        f"settings.secrets() returned {got!r}; it lacks {missing} (the key, the token, the full "
        "URL and the database password)"
    )


@pytest.mark.task(4)
def test_secret_filter_masks_a_secret_that_contains_another_whole(caplog):
    log = logging.getLogger("password_security.test.nested")
    redactor = SecretFilter(["tok-5f3a9c", "a-tok-5f3a9c-b"])
    log.addFilter(redactor)
    try:
        with caplog.at_level(logging.INFO):
            log.info("key=%s", "a-tok-5f3a9c-b")
    finally:
        log.removeFilter(redactor)
    got = [r.getMessage() for r in caplog.records]
    assert got == ["key=***"], (
        f"SecretFilter(['tok-5f3a9c', 'a-tok-5f3a9c-b']) turned 'key=a-tok-5f3a9c-b' into {got}; "
        "expected ['key=***']: replace the longest secrets first"
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


HOSTILE_SUPPLIED = [
    pytest.param(None, id="None"),
    pytest.param("", id="an empty string"),
    pytest.param("tökén-ünïcode", id="non-ASCII text"),
    pytest.param(12345, id="an int"),
    pytest.param(API_TOKEN.encode(), id="the right token as bytes"),
    pytest.param(API_TOKEN + "x", id="the token plus one character"),
    pytest.param(API_TOKEN[:-1], id="the token minus its last character"),
]


@pytest.mark.task(5)
@pytest.mark.parametrize("supplied", HOSTILE_SUPPLIED)
def test_hostile_tokens_are_false_not_an_exception(supplied):
    got = tokens_match(API_TOKEN, supplied)
    assert got is False, f"tokens_match(API_TOKEN, {supplied!r}) returned {got!r}; expected False"


def assert_json_error(response, status: int, what: str) -> None:
    assert response.status_code == status, (
        f"{what} returned {response.status_code} {response.get_data(as_text=True)[:200]!r}; "
        f"expected {status}"
    )
    body = response.get_json(silent=True)
    assert isinstance(body, dict) and set(body) == {"error"} and isinstance(
        body["error"], str) and body["error"], (
        f"{what} answered {response.get_data(as_text=True)[:200]!r}; expected a JSON object "
        'with exactly one key, like {"error": "a message"}'
    )


@pytest.mark.task(5)
@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Bearer wrong-token", f"Basic {API_TOKEN}", f"Bearer {API_TOKEN}x",
     "Bearer tökén"],
    ids=["no header", "an empty header", "Bearer alone", "a wrong token", "the Basic scheme",
         "the token plus one character", "a non-ASCII token"],
)
def test_api_requires_the_bearer_token(app, header):
    headers = {} if header is None else {"Authorization": header}
    response = app.test_client().get("/api/secret", headers=headers, base_url="https://localhost")
    assert_json_error(response, 401, f"GET https://localhost/api/secret with Authorization "
                                     f"{header!r}")
    challenge = response.headers.get("WWW-Authenticate", "")
    assert challenge.startswith("Bearer"), (
        f"the 401 had WWW-Authenticate {challenge!r}; expected 'Bearer'"
    )


@pytest.mark.task(5)
def test_api_answers_the_right_token(app):
    ok = app.test_client().get("/api/secret", headers={"Authorization": f"Bearer {API_TOKEN}"},
                               base_url="https://localhost")
    assert ok.status_code == 200 and ok.get_json(silent=True) == {"ok": True}, (
        f"GET https://localhost/api/secret with the right token returned {ok.status_code} "
        f"{ok.get_data(as_text=True)!r}; expected 200 {{'ok': true}}"
    )


# --- Task 6 ------------------------------------------------------------------------------------

HSTS = "max-age=31536000; includeSubDomains"


def get(app, path: str, *, method: str = "GET", **kwargs):
    return app.test_client().open(path, method=method, **kwargs)


@pytest.mark.task(6)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_page_over_plain_http_is_redirected_with_308_and_no_hsts(app, method):
    response = get(app, "/client-ip?a=1&b=2", method=method)
    assert response.status_code == 308, (
        f"{method} http://localhost/client-ip?a=1&b=2 returned {response.status_code}; expected "
        "308 (a permanent redirect that keeps the method and body, unlike 301)"
    )
    assert response.headers.get("Location") == "https://localhost/client-ip?a=1&b=2", (
        f"redirect Location is {response.headers.get('Location')!r}; expected the same URL on https"
    )
    assert "Strict-Transport-Security" not in response.headers, (
        "the http response carries Strict-Transport-Security; HSTS belongs on https responses only"
    )


@pytest.mark.task(6)
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/secret"), ("POST", "/api/secret"), ("GET", "/api/unknown"), ("GET", "/api")],
    ids=["GET /api/secret", "POST /api/secret", "GET /api/unknown", "GET /api"],
)
def test_the_api_over_plain_http_is_refused_with_403_not_redirected(app, method, path):
    response = get(app, path, method=method, headers={"Authorization": f"Bearer {API_TOKEN}"})
    assert_json_error(response, 403, f"{method} http://localhost{path} (plain http)")
    assert "Location" not in response.headers, (
        f"{method} http://localhost{path} sent Location {response.headers.get('Location')!r}; "
        "an API must not redirect: the token already crossed the network in clear text"
    )
    assert "Strict-Transport-Security" not in response.headers, (
        "the http response carries Strict-Transport-Security; HSTS belongs on https responses only"
    )


@pytest.mark.task(6)
def test_the_redirect_keeps_a_query_that_holds_a_url(app):
    response = get(app, "/client-ip?next=http://example.com/")
    want = "https://localhost/client-ip?next=http://example.com/"
    assert response.status_code == 308 and response.headers.get("Location") == want, (
        f"GET http://localhost/client-ip?next=http://example.com/ answered "
        f"{response.status_code} with Location {response.headers.get('Location')!r}; expected "
        f"308 to {want!r}: change only the scheme of the request URL"
    )


@pytest.mark.task(6)
def test_a_path_that_only_starts_with_api_is_a_page(app):
    response = get(app, "/apidocs")
    assert response.status_code == 308, (
        f"GET http://localhost/apidocs returned {response.status_code}; expected 308: only /api "
        "and paths under /api/ are the API"
    )


@pytest.mark.task(6)
def test_https_announced_by_the_trusted_proxy_is_served_with_hsts(app):
    response = get(app, "/client-ip", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200, (
        f"GET /client-ip with X-Forwarded-Proto: https returned {response.status_code}; expected "
        "200 (wrap app.wsgi_app in werkzeug's ProxyFix)"
    )
    for shown, what in [(response, "through the proxy"),
                        (get(app, "/client-ip", base_url="https://localhost"), "direct https")]:
        hsts = shown.headers.get("Strict-Transport-Security")
        assert hsts == HSTS, (
            f"an https response ({what}) had Strict-Transport-Security {hsts!r}; expected {HSTS!r}"
        )


@pytest.mark.task(6)
def test_a_spoofed_forwarded_proto_beyond_the_trusted_hop_is_ignored(app):
    # The client wrote "https"; our one proxy appended the truth, "http".
    response = get(app, "/client-ip", headers={"X-Forwarded-Proto": "https, http"})
    assert response.status_code == 308, (
        f"X-Forwarded-Proto 'https, http' with x_proto=1 returned {response.status_code}; "
        "expected 308: only the last value was written by our proxy"
    )
    assert "Strict-Transport-Security" not in response.headers


HOPS = [
    pytest.param({"x_for": 1, "x_proto": 1}, "6.6.6.6, 203.0.113.7", "https", 200, "203.0.113.7",
                 id="one proxy writes both"),
    pytest.param({"x_for": 2, "x_proto": 1}, "6.6.6.6, 198.51.100.1, 10.0.0.2", "https", 200,
                 "198.51.100.1", id="two proxies, only the edge one writes the scheme"),
    pytest.param({"x_for": 1, "x_proto": 2}, "6.6.6.6, 203.0.113.7", "https, http", 200,
                 "203.0.113.7", id="two proxies write the scheme, one the address"),
    pytest.param({"x_for": 0, "x_proto": 1}, "6.6.6.6", "https", 200, "127.0.0.1",
                 id="the scheme is trusted, the address is not"),
    pytest.param({"x_for": 1, "x_proto": 0}, "6.6.6.6", "https", 308, None,
                 id="the address is trusted, the scheme is not"),
    pytest.param({"x_for": 0, "x_proto": 0}, "6.6.6.6", "https", 308, None,
                 id="no proxy at all"),
]


@pytest.mark.task(6)
@pytest.mark.parametrize(("hops", "forwarded_for", "proto", "status", "ip"), HOPS)
def test_each_forwarded_header_is_trusted_for_its_own_number_of_hops(settings, hops,
                                                                      forwarded_for, proto,
                                                                      status, ip):
    app = create_app(settings, **hops)
    response = get(app, "/client-ip",
                   headers={"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": proto})
    what = (f"create_app(settings, {', '.join(f'{k}={v}' for k, v in hops.items())}) with "
            f"X-Forwarded-For {forwarded_for!r} and X-Forwarded-Proto {proto!r}")
    assert response.status_code == status, (
        f"{what}: GET /client-ip returned {response.status_code}; expected {status}"
    )
    if ip is not None:
        got = response.get_json(silent=True)
        assert got == {"ip": ip}, f"{what}: /client-ip returned {got!r}; expected {{'ip': {ip!r}}}"


@pytest.mark.task(6)
def test_by_default_one_proxy_writes_both_headers(app):
    response = get(app, "/client-ip", headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.7",
                                               "X-Forwarded-Proto": "https"})
    got = response.get_json(silent=True)
    assert response.status_code == 200 and got == {"ip": "203.0.113.7"}, (
        f"create_app(settings) (x_for=1, x_proto=1 by default) with X-Forwarded-For "
        f"'6.6.6.6, 203.0.113.7' and X-Forwarded-Proto 'https' answered {response.status_code} "
        f"{got!r}; expected 200 {{'ip': '203.0.113.7'}}"
    )


@pytest.mark.task(6)
@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"x_for": -1}, ValueError), ({"x_proto": -1}, ValueError), ({"x_for": "1"}, TypeError),
     ({"x_proto": 1.5}, TypeError), ({"x_for": True}, TypeError), ({"x_proto": None}, TypeError)],
    ids=["x_for negative", "x_proto negative", "x_for a str", "x_proto a float", "x_for True",
         "x_proto None"],
)
def test_hop_counts_must_be_non_negative_ints(settings, kwargs, error):
    raised = call_raises(error, create_app, settings, **kwargs)
    (name,) = kwargs
    assert name in str(raised), (
        f"create_app(settings, {name}={kwargs[name]!r}) raised {error.__name__}({str(raised)!r}); "
        f"expected the message to name {name}"
    )
