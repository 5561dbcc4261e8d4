"""Tests for the app_factory kata: layered config, an engine extension, JSON errors, a CLI."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from app_factory import ConfigError, create_app
from flask import Flask
from sqlalchemy import Engine

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

    def make(config: dict | None = None) -> Flask:
        app = create_app(config)
        apps.append(app)
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
    [("1", True), ("true", True), ("TRUE", True), ("yes", True), ("on", True),
     ("0", False), ("false", False), ("False", False), ("no", False), ("off", False)],
)
def test_boolean_environment_values_are_converted(
    make_app, monkeypatch: pytest.MonkeyPatch, raw: str, want: bool
) -> None:
    monkeypatch.setenv("KATA_SQL_ECHO", raw)
    got = make_app({"SQL_ECHO": not want}).config["SQL_ECHO"]
    assert got is want, f"KATA_SQL_ECHO={raw!r} gave SQL_ECHO={got!r}; expected {want!r}"


@pytest.mark.task(1)
def test_keys_the_factory_does_not_own_pass_through(make_app) -> None:
    app = make_app({"TESTING": True, "THIRD_PARTY_SETTING": "x"})
    got = (app.config.get("TESTING"), app.config.get("THIRD_PARTY_SETTING"))
    assert got == (True, "x"), f"create_app({{'TESTING': True, ...}}) kept {got!r}"


@pytest.mark.task(1)
@pytest.mark.parametrize(
    ("name", "raw"),
    [("KATA_PAGE_SIZE", "ten"), ("KATA_PAGE_SIZE", ""), ("KATA_PAGE_SIZE", "1.5"),
     ("KATA_PAGE_SIZE", "0"), ("KATA_PAGE_SIZE", "-3"), ("KATA_PAGE_SIZE", "5000"),
     ("KATA_SQL_ECHO", "maybe"), ("KATA_SQL_ECHO", "2"), ("KATA_SQL_ECHO", ""),
     ("KATA_APP_NAME", "   ")],
)
def test_a_bad_environment_value_is_a_config_error_naming_it(
    monkeypatch: pytest.MonkeyPatch, name: str, raw: str
) -> None:
    monkeypatch.setenv(name, raw)
    with pytest.raises(ConfigError) as info:
        create_app()
    key = name.removeprefix("KATA_")
    assert key in str(info.value), (
        f"with {name}={raw!r}, create_app() raised ConfigError({str(info.value)!r}); "
        f"expected the message to name {key}"
    )


@pytest.mark.task(1)
@pytest.mark.parametrize(
    "config",
    [{"PAGE_SIZE": "20"}, {"PAGE_SIZE": True}, {"PAGE_SIZE": 2.0}, {"PAGE_SIZE": 0},
     {"SQL_ECHO": "false"}, {"SQL_ECHO": 1}, {"DATABASE_URL": 42}, {"APP_NAME": None}],
)
def test_a_mapping_value_of_the_wrong_type_or_range_is_a_config_error(config: dict) -> None:
    with pytest.raises(ConfigError) as info:
        create_app(config)
    key = next(iter(config))
    assert key in str(info.value), (
        f"create_app({config!r}) raised ConfigError({str(info.value)!r}); expected it to name {key}"
    )


@pytest.mark.task(1)
@pytest.mark.parametrize(
    "url",
    ["nosuchdb://admin:hunter2@db.internal/app", "postgresql+nosuchdriver://admin:hunter2@db/app",
     "not a url at all", ""],
)
def test_an_unusable_database_url_is_a_config_error_that_hides_the_password(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("KATA_DATABASE_URL", url)
    with pytest.raises(ConfigError) as info:
        create_app()
    message = str(info.value)
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
def test_health_is_200_when_the_database_answers(make_app, tmp_path: Path) -> None:
    app = make_app({"DATABASE_URL": sqlite_url(tmp_path / "app.db"), "APP_NAME": "shop"})
    resp = app.test_client().get("/health")
    want = {"status": "ok", "app": "shop", "database": "ok"}
    assert resp.status_code == 200 and resp.get_json() == want, (
        f"GET /health returned {resp.status} {resp.get_data(as_text=True)!r}; expected 200 {want!r}"
    )


@pytest.mark.task(2)
def test_health_is_503_when_the_database_is_unreachable(make_app, tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "no" / "such" / "dir" / "app.db")
    resp = make_app({"DATABASE_URL": url}).test_client().get("/health")
    body = resp.get_json(silent=True)
    assert resp.status_code == 503, (
        f"GET /health with an unreachable database returned {resp.status} "
        f"{resp.get_data(as_text=True)[:200]!r}; expected 503"
    )
    assert isinstance(body, dict) and body.get("status") == "unavailable", (
        f"GET /health with an unreachable database returned {body!r}; expected "
        "{'status': 'unavailable', ...}"
    )


# Task 3 — JSON error handlers


@pytest.mark.task(3)
def test_an_unknown_url_is_a_json_404(make_app) -> None:
    resp = make_app().test_client().get("/no/such/page")
    body = resp.get_json(silent=True)
    assert resp.status_code == 404, f"GET /no/such/page returned {resp.status}; expected 404"
    assert isinstance(body, dict) and isinstance(body.get("message"), str) and body["message"], (
        f"GET /no/such/page returned {resp.get_data(as_text=True)[:200]!r}; expected a JSON body "
        "with a 'message'"
    )


@pytest.mark.task(3)
def test_an_exception_in_a_view_is_a_json_500_without_details(make_app) -> None:
    app = make_app()

    def boom():
        raise RuntimeError("connection to admin:hunter2@db failed")

    app.add_url_rule("/boom", "boom", boom)
    resp = app.test_client().get("/boom")
    text = resp.get_data(as_text=True)
    assert resp.status_code == 500, f"GET /boom (a view that raises) returned {resp.status}"
    body = resp.get_json(silent=True)
    assert isinstance(body, dict) and isinstance(body.get("message"), str) and body["message"], (
        f"GET /boom returned {text[:200]!r}; expected a JSON body with a 'message'"
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
    assert result.exit_code == 0, (
        f"flask init-db exited with {result.exit_code}: {result.output!r} {result.exception!r}"
    )
    assert "Initialised the database." in result.output, f"flask init-db printed {result.output!r}"
    assert "items" in tables_in(path), f"after flask init-db, {path.name} has {tables_in(path)}"


@pytest.mark.task(4)
def test_init_db_twice_keeps_existing_rows(make_app, tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    runner = make_app({"DATABASE_URL": sqlite_url(path)}).test_cli_runner()
    runner.invoke(args=["init-db"])
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO items (name) VALUES ('kept')")
    conn.close()
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, f"a second flask init-db exited with {result.exit_code}"
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
    assert result.exit_code == 0, f"flask init-db --drop exited with {result.exit_code}"
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
        f"flask init-db with an unreachable database exited with {result.exit_code} "
        f"({result.exception!r}); expected 1 (raise click.ClickException)"
    )
    assert "Error" in result.output and "Traceback" not in result.output, (
        f"flask init-db printed {result.output!r}; expected a one-line 'Error: ...' message"
    )
