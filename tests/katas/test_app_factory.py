"""Tests for the app_factory kata: layered config, an engine extension, JSON errors, a CLI."""

from __future__ import annotations

import logging
import re
import sqlite3
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from app_factory import ConfigError, create_app
from flask import Flask
from kata_support import call_raises
from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError

KEYS = ("DATABASE_URL", "PAGE_SIZE", "SQL_ECHO", "APP_NAME")
WANT_DEFAULTS = {
    "DATABASE_URL": "sqlite://", "PAGE_SIZE": 20, "SQL_ECHO": False, "APP_NAME": "kata"
}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No KATA_* variable from the machine running the tests leaks into them."""
    for key in KEYS:
        monkeypatch.delenv(f"KATA_{key}", raising=False)


@pytest.fixture
def make_app() -> Iterator[Callable[..., Flask]]:
    """create_app, with every engine it made disposed of afterwards."""
    apps: list[Flask] = []

    def make(config: dict | None = None, propagate: bool = True) -> Flask:
        app = create_app(config)
        assert isinstance(app, Flask), f"create_app({config!r}) returned {app!r}; want a Flask app"
        apps.append(app)
        # An exception in your view reaches the test with its traceback (your line) instead of
        # becoming the 500 of Task 3; the test of Task 3 itself keeps the 500.
        app.config["PROPAGATE_EXCEPTIONS"] = propagate
        return app

    yield make
    for app in apps:
        engine = app.extensions.get("db")
        if isinstance(engine, Engine):
            engine.dispose()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def tables_in(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def settings_of(app: Flask) -> dict:
    return {key: app.config.get(key) for key in KEYS}


def show(resp) -> str:
    return f"{resp.status} {resp.get_data(as_text=True)[:200]!r}"


def cli_output(result) -> str:
    """What a CLI run printed, and where its exception (if any) came from."""
    text = f"exit code {result.exit_code}, output {result.output!r}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        frames = traceback.extract_tb(result.exc_info[2]) if result.exc_info else []
        where = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
        text += f", exception {result.exception!r}{where}"
    return text


def assert_json_error(resp, status: int, error: str, what: str) -> dict:
    assert resp.status_code == status, f"{what} returned {show(resp)}; expected {status}"
    body = resp.get_json(silent=True)
    assert isinstance(body, dict) and set(body) == {"error", "message"}, (
        f"{what} returned {show(resp)}; expected a JSON body with exactly 'error' and 'message'"
    )
    assert body["error"] == error and isinstance(body["message"], str) and body["message"], (
        f"{what} returned {body!r}; expected error {error!r} and a non-empty message"
    )
    return body


# Task 1 — layered, typed configuration


@pytest.mark.task(1)
def test_the_defaults_apply_when_nothing_is_given(make_app) -> None:
    got = settings_of(make_app())
    assert got == WANT_DEFAULTS, f"create_app() gave {got!r}; expected {WANT_DEFAULTS!r}"


@pytest.mark.task(1)
def test_the_mapping_overrides_the_defaults(make_app) -> None:
    app = make_app({"PAGE_SIZE": 5, "APP_NAME": "shop"})
    got = settings_of(app)
    want = {**WANT_DEFAULTS, "PAGE_SIZE": 5, "APP_NAME": "shop"}
    assert got == want, f"create_app({{'PAGE_SIZE': 5, 'APP_NAME': 'shop'}}) gave {got!r}"


@pytest.mark.task(1)
def test_environment_variables_override_the_mapping_with_typed_values(
    make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KATA_PAGE_SIZE", "50")
    monkeypatch.setenv("KATA_SQL_ECHO", "true")
    monkeypatch.setenv("KATA_APP_NAME", "from-env")
    got = settings_of(make_app({"PAGE_SIZE": 5, "SQL_ECHO": False, "APP_NAME": "shop"}))
    want = {**WANT_DEFAULTS, "PAGE_SIZE": 50, "SQL_ECHO": True, "APP_NAME": "from-env"}
    assert got == want, (
        f"with KATA_PAGE_SIZE=50, KATA_SQL_ECHO=true, KATA_APP_NAME=from-env and a mapping "
        f"saying otherwise, create_app gave {got!r}; expected {want!r} (the environment wins, "
        "converted to int and bool)"
    )
    assert type(got["PAGE_SIZE"]) is int, f"PAGE_SIZE from the environment is {got['PAGE_SIZE']!r}"


@pytest.mark.task(1)
@pytest.mark.parametrize(
    ("raw", "want"),
    [("1", True), ("true", True), ("TRUE", True), ("yes", True), ("On", True), (" on\n", True),
     ("0", False), ("false", False), ("False", False), ("no", False), ("OFF", False),
     ("\tno ", False)],
    ids=["1", "true", "TRUE", "yes", "On", "on-with-whitespace", "0", "false", "False", "no",
         "OFF", "no-with-whitespace"],
)
def test_boolean_environment_values_are_converted(
    make_app, monkeypatch: pytest.MonkeyPatch, raw: str, want: bool
) -> None:
    monkeypatch.setenv("KATA_SQL_ECHO", raw)
    got = make_app({"SQL_ECHO": not want}).config["SQL_ECHO"]
    assert got is want, f"KATA_SQL_ECHO={raw!r} gave SQL_ECHO={got!r}; expected {want!r}"


@pytest.mark.task(1)
@pytest.mark.parametrize(
    ("raw", "want"),
    [("1", 1), ("1000", 1000), ("+7", 7), ("0042", 42), ("50\n", 50), (" 9 ", 9)],
    ids=["lowest-1", "highest-1000", "plus-sign", "leading-zeros", "trailing-newline",
         "surrounding-spaces"],
)
def test_integer_environment_values_are_converted(
    make_app, monkeypatch: pytest.MonkeyPatch, raw: str, want: int
) -> None:
    monkeypatch.setenv("KATA_PAGE_SIZE", raw)
    got = make_app().config["PAGE_SIZE"]
    assert type(got) is int and got == want, (
        f"KATA_PAGE_SIZE={raw!r} gave PAGE_SIZE={got!r}; expected the int {want}"
    )


@pytest.mark.task(1)
@pytest.mark.parametrize("size", [1, 1000], ids=["lowest-1", "highest-1000"])
def test_page_size_limits_are_accepted_from_the_mapping(make_app, size: int) -> None:
    got = make_app({"PAGE_SIZE": size}).config["PAGE_SIZE"]
    assert got == size, f"create_app({{'PAGE_SIZE': {size}}}) gave PAGE_SIZE={got!r}"


@pytest.mark.task(1)
def test_an_app_name_from_the_environment_is_kept_as_it_is(
    make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KATA_APP_NAME", " shop 2 ")
    got = make_app().config["APP_NAME"]
    assert got == " shop 2 ", f"KATA_APP_NAME=' shop 2 ' gave APP_NAME={got!r}; strings are kept"


@pytest.mark.task(1)
def test_keys_the_factory_does_not_own_pass_through(make_app) -> None:
    app = make_app({"TESTING": True, "THIRD_PARTY_SETTING": "x"})
    got = (app.config.get("TESTING"), app.config.get("THIRD_PARTY_SETTING"))
    assert got == (True, "x"), f"create_app({{'TESTING': True, ...}}) kept {got!r}"


@pytest.mark.task(1)
@pytest.mark.parametrize(
    ("name", "raw"),
    [("KATA_PAGE_SIZE", "ten"), ("KATA_PAGE_SIZE", ""), ("KATA_PAGE_SIZE", "1.5"),
     ("KATA_PAGE_SIZE", "0"), ("KATA_PAGE_SIZE", "-3"), ("KATA_PAGE_SIZE", "1001"),
     ("KATA_PAGE_SIZE", "\uff15"), ("KATA_PAGE_SIZE", "1_0"), ("KATA_PAGE_SIZE", "9" * 5000),
     ("KATA_SQL_ECHO", "maybe"), ("KATA_SQL_ECHO", "2"), ("KATA_SQL_ECHO", ""),
     ("KATA_SQL_ECHO", "truee"), ("KATA_APP_NAME", "   ")],
    ids=["PAGE_SIZE-ten", "PAGE_SIZE-empty", "PAGE_SIZE-decimal", "PAGE_SIZE-0",
         "PAGE_SIZE-negative", "PAGE_SIZE-1001", "PAGE_SIZE-fullwidth-5", "PAGE_SIZE-underscore",
         "PAGE_SIZE-5000-digits", "SQL_ECHO-maybe", "SQL_ECHO-2", "SQL_ECHO-empty",
         "SQL_ECHO-truee", "APP_NAME-blank"],
)
def test_a_bad_environment_value_is_a_config_error_naming_it(
    monkeypatch: pytest.MonkeyPatch, name: str, raw: str
) -> None:
    monkeypatch.setenv(name, raw)
    shown = raw if len(raw) < 40 else f"{raw[:10]}... ({len(raw)} characters)"
    error = call_raises(ConfigError, create_app)
    key = name.removeprefix("KATA_")
    assert key in str(error), (
        f"with {name}={shown!r}, create_app() raised ConfigError({str(error)[:200]!r}); "
        f"expected the message to name {key}"
    )


@pytest.mark.task(1)
@pytest.mark.parametrize(
    "config",
    [{"PAGE_SIZE": "20"}, {"PAGE_SIZE": True}, {"PAGE_SIZE": 2.0}, {"PAGE_SIZE": 0},
     {"PAGE_SIZE": 1001}, {"SQL_ECHO": "false"}, {"SQL_ECHO": 1}, {"DATABASE_URL": 42},
     {"APP_NAME": None}, {"APP_NAME": ""}],
    ids=["PAGE_SIZE-str", "PAGE_SIZE-bool", "PAGE_SIZE-float", "PAGE_SIZE-0", "PAGE_SIZE-1001",
         "SQL_ECHO-str", "SQL_ECHO-int", "DATABASE_URL-int", "APP_NAME-None", "APP_NAME-empty"],
)
def test_a_mapping_value_of_the_wrong_type_or_range_is_a_config_error(config: dict) -> None:
    error = call_raises(ConfigError, create_app, config)
    key = next(iter(config))
    assert key in str(error), (
        f"create_app({config!r}) raised ConfigError({str(error)!r}); expected it to name {key}"
    )


@pytest.mark.task(1)
@pytest.mark.parametrize(
    "url",
    ["nosuchdb://admin:hunter2@db.internal/app", "postgresql+nosuchdriver://admin:hunter2@db/app",
     "not a url at all", ""],
    ids=["unknown-dialect", "unknown-driver", "not-a-url", "empty"],
)
def test_an_unusable_database_url_is_a_config_error_that_hides_the_password(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("KATA_DATABASE_URL", url)
    message = str(call_raises(ConfigError, create_app))
    assert "DATABASE_URL" in message, f"ConfigError({message!r}) does not name DATABASE_URL"
    assert "hunter2" not in message, f"ConfigError({message!r}) shows the database password"


@pytest.mark.task(1)
def test_the_callers_mapping_is_not_changed(make_app, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KATA_PAGE_SIZE", "7")
    config = {"APP_NAME": "shop"}
    make_app(config)
    assert config == {"APP_NAME": "shop"}, f"create_app changed the mapping it got: {config!r}"


# Task 2 — the database engine as an extension, and /health


@pytest.mark.task(2)
def test_the_engine_is_stored_in_app_extensions(make_app, tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "app.db")
    app = make_app({"DATABASE_URL": url, "SQL_ECHO": True})
    engine = app.extensions.get("db")
    assert isinstance(engine, Engine), (
        f"app.extensions['db'] is {engine!r}; expected a sqlalchemy Engine"
    )
    assert str(engine.url) == url, f"the engine's URL is {str(engine.url)!r}; expected {url!r}"
    assert engine.echo is True, f"with SQL_ECHO=True the engine has echo={engine.echo!r}"


@pytest.mark.task(2)
def test_two_apps_share_no_state(make_app, tmp_path: Path) -> None:
    first = make_app({"APP_NAME": "first", "DATABASE_URL": sqlite_url(tmp_path / "a.db")})
    second = make_app()
    assert settings_of(second) == WANT_DEFAULTS, (
        f"after create_app({{'APP_NAME': 'first', ...}}), a plain create_app() gave "
        f"{settings_of(second)!r}; expected the defaults {WANT_DEFAULTS!r}"
    )
    assert first.extensions["db"] is not second.extensions["db"], "two apps share one engine"
    first.config["PAGE_SIZE"] = 99
    assert second.config["PAGE_SIZE"] == 20, "changing one app's config changed another's"


@pytest.mark.task(2)
def test_health_is_200_and_ready_is_200_when_the_database_answers(
    make_app, tmp_path: Path
) -> None:
    app = make_app({"DATABASE_URL": sqlite_url(tmp_path / "app.db"), "APP_NAME": "shop"})
    client = app.test_client()
    for path, want in [
        ("/health", {"status": "ok", "app": "shop"}),
        ("/ready", {"status": "ready", "app": "shop", "database": "up"}),
    ]:
        resp = client.get(path)
        assert resp.status_code == 200 and resp.get_json(silent=True) == want, (
            f"GET {path} returned {show(resp)}; expected 200 {want!r}"
        )


@pytest.mark.task(2)
def test_ready_is_503_but_health_stays_200_when_the_database_is_unreachable(
    make_app, tmp_path: Path
) -> None:
    url = sqlite_url(tmp_path / "no" / "such" / "dir" / "app.db")
    client = make_app({"DATABASE_URL": url, "APP_NAME": "shop"}).test_client()
    resp = client.get("/ready")
    want = {"status": "unavailable", "app": "shop", "database": "down"}
    assert resp.status_code == 503 and resp.get_json(silent=True) == want, (
        f"GET /ready with an unreachable database returned {show(resp)}; expected 503 {want!r}"
    )
    resp = client.get("/health")
    want = {"status": "ok", "app": "shop"}
    assert resp.status_code == 200 and resp.get_json(silent=True) == want, (
        f"GET /health with an unreachable database returned {show(resp)}; expected 200 {want!r}:"
        " liveness must not depend on the database, or an outage restarts every instance"
    )


@pytest.mark.task(2)
def test_ready_is_503_and_logs_the_reason_when_select_1_fails(
    make_app, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app({"DATABASE_URL": sqlite_url(tmp_path / "app.db"), "APP_NAME": "shop"})
    engine = app.extensions.get("db")
    assert isinstance(engine, Engine), f"app.extensions['db'] is {engine!r}; expected an Engine"

    def fail(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("database is read-only today"))

    event.listen(engine, "before_cursor_execute", fail)
    with caplog.at_level(logging.WARNING):
        resp = app.test_client().get("/ready")
    want = {"status": "unavailable", "app": "shop", "database": "down"}
    assert resp.status_code == 503 and resp.get_json(silent=True) == want, (
        f"GET /ready when SELECT 1 raises OperationalError returned {show(resp)}; expected 503 "
        f"{want!r} (run the query, not only connect)"
    )
    logged = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert any(
        r.exc_info or "read-only" in r.getMessage() for r in logged
    ), (
        f"GET /ready failed but logged {[r.getMessage() for r in logged]}; expected a warning "
        "with the reason (logger.warning(..., exc_info=True) or logger.exception(...))"
    )


# Task 3 — JSON error handlers


@pytest.mark.task(3)
def test_an_unknown_url_is_a_json_404(make_app) -> None:
    resp = make_app().test_client().get("/no/such/page")
    assert_json_error(resp, 404, "Not Found", "GET /no/such/page")


@pytest.mark.task(3)
@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/health"), ("DELETE", "/ready")],
    ids=["POST-health", "DELETE-ready"],
)
def test_an_unsupported_method_is_a_json_405_that_keeps_its_allow_header(
    make_app, method: str, path: str
) -> None:
    resp = make_app().test_client().open(path, method=method)
    assert_json_error(resp, 405, "Method Not Allowed", f"{method} {path}")
    allow = {m.strip() for m in resp.headers.get("Allow", "").split(",") if m.strip()}
    assert "GET" in allow and method not in allow, (
        f"{method} {path} returned Allow: {resp.headers.get('Allow')!r}; expected the methods "
        "that work, GET among them (RFC 9110 requires Allow on a 405: start from "
        "error.get_response())"
    )


@pytest.mark.task(3)
def test_an_exception_in_a_view_is_a_json_500_without_details(make_app) -> None:
    app = make_app(propagate=False)

    def boom():
        raise RuntimeError("connection to admin:hunter2@db failed")

    app.add_url_rule("/boom", "boom", boom)
    resp = app.test_client().get("/boom")
    text = resp.get_data(as_text=True)
    want = {"error": "Internal Server Error", "message": "An unexpected error occurred."}
    assert resp.status_code == 500 and resp.get_json(silent=True) == want, (
        f"GET /boom (a view that raises) returned {show(resp)}; expected 500 {want!r}"
    )
    for secret in ("hunter2", "RuntimeError", "Traceback"):
        assert secret not in text, (
            f"GET /boom leaked {secret!r} to the client: {text[:200]!r}; log details, "
            "answer a fixed message"
        )


# Task 4 — the `flask init-db` command


@pytest.mark.task(4)
def test_init_db_creates_the_tables_in_the_sqlite_file(make_app, tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    app = make_app({"DATABASE_URL": sqlite_url(path)})
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, f"flask init-db gave {cli_output(result)}; expected exit code 0"
    assert "Initialised the database." in result.output, f"flask init-db printed {result.output!r}"
    assert "items" in tables_in(path), f"after flask init-db, {path.name} has {tables_in(path)}"
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO items (name) VALUES ('first')")
        rows = conn.execute("SELECT id, name FROM items").fetchall()
        try:
            conn.execute("INSERT INTO items (name) VALUES (NULL)")
        except sqlite3.IntegrityError:
            refused = True
        else:
            refused = False
    conn.close()
    assert rows == [(1, "first")] and refused, (
        f"the items table made by flask init-db gave the rows {rows} and "
        f"{'refused' if refused else 'accepted'} a NULL name; expected [(1, 'first')] and a "
        "refusal: create the given metadata's tables (metadata.create_all), not your own"
    )


@pytest.mark.task(4)
def test_init_db_twice_keeps_existing_rows(make_app, tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    runner = make_app({"DATABASE_URL": sqlite_url(path)}).test_cli_runner()
    runner.invoke(args=["init-db"])
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO items (name) VALUES ('kept')")
    conn.close()
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, f"a second flask init-db gave {cli_output(result)}"
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM items").fetchall()
    conn.close()
    assert rows == [("kept",)], f"after a second flask init-db the items table holds {rows!r}"


@pytest.mark.task(4)
def test_init_db_drop_starts_from_empty_tables(make_app, tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    runner = make_app({"DATABASE_URL": sqlite_url(path)}).test_cli_runner()
    runner.invoke(args=["init-db"])
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO items (name) VALUES ('old')")
    conn.close()
    result = runner.invoke(args=["init-db", "--drop"])
    assert result.exit_code == 0, f"flask init-db --drop gave {cli_output(result)}"
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM items").fetchall()
    conn.close()
    assert rows == [], f"after flask init-db --drop the items table holds {rows!r}; expected none"


@pytest.mark.task(4)
def test_init_db_reports_an_unreachable_database_without_a_traceback(
    make_app, tmp_path: Path
) -> None:
    url = sqlite_url(tmp_path / "missing" / "app.db")
    result = make_app({"DATABASE_URL": url}).test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 1, (
        f"flask init-db with an unreachable database gave {cli_output(result)}; expected exit "
        "code 1 (raise click.ClickException)"
    )
    assert re.search(r"Error: \S", result.output) and "Traceback" not in result.output, (
        f"flask init-db printed {result.output!r}; expected a one-line 'Error: <reason>' message"
    )
