"""Tests for the blueprints kata: auth and admin blueprints, a guard, scoped errors, two mounts."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from blueprints import create_app
from blueprints.errors import json_error
from flask import Flask, template_rendered, url_for
from kata_support import call_raises
from werkzeug.exceptions import MethodNotAllowed

ADMIN, USER = "tok-admin-0123456789", "tok-user-9876543210"
TOKENS = {
    ADMIN: {"user": "alice", "role": "admin"},
    USER: {"user": "bob", "role": "user"},
}


@pytest.fixture
def app():
    # PROPAGATE_EXCEPTIONS: an exception in your view reaches the test with its traceback (your
    # line) instead of becoming an anonymous 500.
    app = create_app({"API_TOKENS": TOKENS, "PROPAGATE_EXCEPTIONS": True})
    assert isinstance(app, Flask), f"create_app(...) returned {app!r}; expected a Flask app"
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def show(response) -> str:
    return f"{response.status_code} {response.get_data(as_text=True)[:200]!r}"


def assert_json_error(response, status: int, what: str) -> None:
    assert response.status_code == status, f"{what} answered {show(response)}; expected {status}"
    body = response.get_json(silent=True)
    assert response.is_json and isinstance(body, dict) and "error" in body, (
        f"{what} answered {response.content_type} {show(response)}; "
        'expected a JSON body like {"error": ...}'
    )
    assert isinstance(body["error"], str) and body["error"].strip(), (
        f"{what} answered {body!r}; expected 'error' to be a non-empty string"
    )


@contextmanager
def rendered_templates(app):
    """The (template name, context) pairs that app renders inside the block."""
    seen: list[tuple[str, dict]] = []

    def record(sender, template, context, **extra):
        seen.append((template.name, context))

    template_rendered.connect(record, app)
    try:
        yield seen
    finally:
        template_rendered.disconnect(record, app)


def allowed_methods(response) -> set[str]:
    return {m.strip() for m in response.headers.get("Allow", "").split(",") if m.strip()}


def assert_html(response, status: int, what: str) -> None:
    assert response.status_code == status, f"{what} answered {show(response)}; expected {status}"
    assert response.mimetype == "text/html", (
        f"{what} answered {response.content_type}; expected Flask's default HTML page "
        "(the JSON error handler belongs to the admin blueprint only)"
    )


# --- Task 1 ------------------------------------------------------------------------------------


@pytest.mark.task(1)
def test_create_app_registers_auth_admin_and_two_pages_mounts(app):
    got = set(app.blueprints)
    want = {"auth", "admin", "pages_en", "pages_fr"}
    assert got == want, f"create_app() registered the blueprints {sorted(got)}; expected {want}"


@pytest.mark.task(1)
def test_url_for_builds_the_auth_and_admin_urls(app):
    with app.test_request_context():
        got = {
            "auth.whoami": url_for("auth.whoami"),
            "admin.list_users": url_for("admin.list_users"),
            "admin.get_user": url_for("admin.get_user", name="bob"),
        }
    want = {
        "auth.whoami": "/auth/whoami",
        "admin.list_users": "/admin/users",
        "admin.get_user": "/admin/users/bob",
    }
    assert got == want, f"url_for gave {got}; expected {want}"


@pytest.mark.task(1)
def test_whoami_returns_the_identity_of_a_known_token(client):
    response = client.get("/auth/whoami", headers=bearer(USER))
    assert response.status_code == 200, f"GET /auth/whoami answered {show(response)}"
    assert response.get_json() == {"user": "bob", "role": "user"}, (
        f"GET /auth/whoami with bob's token answered {response.get_json()}; "
        "expected {'user': 'bob', 'role': 'user'}"
    )


@pytest.mark.task(1)
@pytest.mark.parametrize(
    ("case", "headers"),
    [
        ("no Authorization header", {}),
        ("the Basic scheme", {"Authorization": f"Basic {ADMIN}"}),
        ("Bearer with no token", {"Authorization": "Bearer"}),
        ("an unknown token", bearer("tok-nobody")),
        ("a token with extra characters", bearer(ADMIN + "x")),
        ("a prefix of a token", bearer(ADMIN[:-1])),
        ("a huge token", bearer("t" * 50_000)),
    ],
    ids=["no-header", "basic-scheme", "bearer-without-token", "unknown-token",
         "token-plus-a-character", "token-prefix", "huge-token"],
)
def test_whoami_without_a_valid_token_is_401_json_with_a_bearer_challenge(client, case, headers):
    response = client.get("/auth/whoami", headers=headers)
    assert_json_error(response, 401, f"GET /auth/whoami with {case}")
    challenge = response.headers.get("WWW-Authenticate", "")
    assert challenge.startswith("Bearer"), (
        f"GET /auth/whoami with {case} answered WWW-Authenticate {challenge!r}; expected a "
        "'Bearer ...' challenge (RFC 6750)"
    )


@pytest.mark.task(1)
def test_create_app_copies_every_config_key():
    app = create_app({"API_TOKENS": {}, "TESTING": True, "SECRET_KEY": "s3cret", "PAGE": 3})
    got = {key: app.config.get(key) for key in ("TESTING", "SECRET_KEY", "PAGE")}
    want = {"TESTING": True, "SECRET_KEY": "s3cret", "PAGE": 3}
    assert got == want, (
        f"create_app({{..., 'TESTING': True, 'SECRET_KEY': 's3cret', 'PAGE': 3}}) gave "
        f"app.config values {got}; expected {want}: copy every key of config into app.config"
    )


@pytest.mark.task(1)
def test_changing_the_callers_token_table_later_changes_nothing():
    tokens = {USER: {"user": "bob", "role": "user"}}
    app = create_app({"API_TOKENS": tokens})
    tokens[ADMIN] = {"user": "alice", "role": "admin"}
    tokens[USER]["role"] = "admin"
    client = app.test_client()
    response = client.get("/auth/whoami", headers=bearer(ADMIN))
    assert response.status_code == 401, (
        "a token added to the caller's table after create_app was accepted: "
        f"{show(response)}; keep a copy of your own"
    )
    response = client.get("/auth/whoami", headers=bearer(USER))
    assert response.get_json(silent=True) == {"user": "bob", "role": "user"}, (
        "after the caller changed bob's role in its own table, GET /auth/whoami answered "
        f"{show(response)}; expected bob to still be a user (copy the identities too)"
    )


@pytest.mark.task(1)
def test_two_apps_do_not_share_their_token_tables():
    first = create_app({"API_TOKENS": TOKENS})
    second = create_app({"API_TOKENS": {}})
    response = second.test_client().get("/auth/whoami", headers=bearer(ADMIN))
    assert response.status_code == 401, (
        f"an app created with no tokens accepted a token of another app: {show(response)}"
    )
    response = first.test_client().get("/auth/whoami", headers=bearer(ADMIN))
    assert response.status_code == 200, f"the first app then answered {show(response)}"


@pytest.mark.task(1)
@pytest.mark.parametrize("tokens", ["tok-admin", ["tok-admin"], 42], ids=["str", "list", "int"])
def test_create_app_rejects_a_token_table_that_is_not_a_mapping(tokens):
    call_raises(TypeError, create_app, {"API_TOKENS": tokens})


# --- Task 2 ------------------------------------------------------------------------------------


@pytest.mark.task(2)
@pytest.mark.parametrize(
    ("prefix", "greeting"), [("/en", "Welcome"), ("/fr", "Bienvenue")], ids=["en", "fr"]
)
def test_both_pages_mounts_answer_under_their_prefixes(client, prefix, greeting):
    for path in [f"{prefix}/", f"{prefix}/about", f"{prefix}/articles/1"]:
        response = client.get(path)
        assert response.status_code == 200, f"GET {path} answered {show(response)}; expected 200"
    body = client.get(f"{prefix}/").get_data(as_text=True)
    assert greeting in body, f"GET {prefix}/ answered {body!r}; expected it to say {greeting!r}"


@pytest.mark.task(2)
def test_url_for_builds_distinct_urls_for_each_mount(app):
    with app.test_request_context():
        got = {
            name: url_for(name, **kwargs)
            for name, kwargs in [
                ("pages_en.index", {}),
                ("pages_fr.index", {}),
                ("pages_en.about", {}),
                ("pages_fr.about", {}),
                ("pages_fr.article", {"article_id": 2}),
                ("pages_en.static", {"filename": "pages.css"}),
                ("pages_fr.static", {"filename": "pages.css"}),
            ]
        }
    want = {
        "pages_en.index": "/en/",
        "pages_fr.index": "/fr/",
        "pages_en.about": "/en/about",
        "pages_fr.about": "/fr/about",
        "pages_fr.article": "/fr/articles/2",
        "pages_en.static": "/en/static/pages.css",
        "pages_fr.static": "/fr/static/pages.css",
    }
    assert got == want, f"url_for gave {got}; expected {want}"


@pytest.mark.task(2)
@pytest.mark.parametrize(
    ("prefix", "greeting"), [("/en", "Welcome"), ("/fr", "Bienvenue")], ids=["en", "fr"]
)
def test_each_mount_renders_the_template_with_its_own_urls(app, client, prefix, greeting):
    with rendered_templates(app) as seen:
        response = client.get(f"{prefix}/")
    assert response.status_code == 200, f"GET {prefix}/ answered {show(response)}; expected 200"
    names = [name for name, _ in seen]
    assert names == ["pages/index.html"], (
        f"GET {prefix}/ rendered the templates {names}; expected render_template("
        "'pages/index.html', ...) once"
    )
    context = seen[0][1]
    want = {"greeting": greeting, "about_url": f"{prefix}/about",
            "css_url": f"{prefix}/static/pages.css"}
    got = {key: context.get(key) for key in want}
    assert got == want, (
        f"GET {prefix}/ rendered pages/index.html with {got}; expected {want}: build the URLs "
        "with url_for('.about') and url_for('.static', filename=...), relative to the mount"
    )
    body = response.get_data(as_text=True)
    links = re.findall(r'<a href="([^"]+)"', body)
    assert links == [f"{prefix}/about"], f"GET {prefix}/ links to {links}; expected one link"


@pytest.mark.task(2)
@pytest.mark.parametrize("prefix", ["/en", "/fr"], ids=["en", "fr"])
def test_each_mount_serves_the_blueprints_stylesheet(client, prefix):
    response = client.get(f"{prefix}/static/pages.css")
    assert response.status_code == 200 and response.mimetype == "text/css", (
        f"GET {prefix}/static/pages.css answered {show(response)} ({response.mimetype}); "
        "expected 200 text/css: give the blueprint static_folder='static'"
    )
    assert "pages blueprint" in response.get_data(as_text=True), (
        f"GET {prefix}/static/pages.css did not serve static/pages.css: {show(response)}"
    )
    response.close()


@pytest.mark.task(2)
@pytest.mark.parametrize(
    ("path", "title"),
    [("/en/articles/1", "Blueprints"), ("/fr/articles/2", "Application factories")],
    ids=["en-article-1", "fr-article-2"],
)
def test_an_article_page_shows_its_title(client, path, title):
    response = client.get(path)
    assert_html(response, 200, f"GET {path}")
    assert title in response.get_data(as_text=True), (
        f"GET {path} answered {show(response)}; expected the title {title!r} from ARTICLES"
    )


@pytest.mark.task(2)
@pytest.mark.parametrize("prefix", ["/en", "/fr"], ids=["en", "fr"])
def test_the_about_page_is_html(client, prefix):
    response = client.get(f"{prefix}/about")
    assert_html(response, 200, f"GET {prefix}/about")
    assert response.get_data(as_text=True).strip(), f"GET {prefix}/about answered an empty page"


@pytest.mark.task(2)
def test_pages_are_public_even_with_a_bad_token(client):
    for headers in [{}, bearer("tok-nobody"), bearer(USER)]:
        response = client.get("/fr/about", headers=headers)
        assert response.status_code == 200, (
            f"GET /fr/about with headers {headers} answered {show(response)}; expected 200: "
            "the admin guard must only run for the admin blueprint"
        )


# --- Task 3 ------------------------------------------------------------------------------------


@pytest.mark.task(3)
def test_admin_without_credentials_is_401_with_a_bearer_challenge(client):
    response = client.get("/admin/users")
    assert_json_error(response, 401, "GET /admin/users with no token")
    challenge = response.headers.get("WWW-Authenticate", "")
    assert challenge.startswith("Bearer"), (
        f"the 401 had WWW-Authenticate {challenge!r}; expected a 'Bearer ...' challenge"
    )


@pytest.mark.task(3)
@pytest.mark.parametrize(
    "headers",
    [bearer("tok-nobody"), {"Authorization": f"Basic {ADMIN}"}, {"Authorization": "Bearer "}],
    ids=["unknown-token", "basic-scheme", "empty-bearer"],
)
def test_admin_with_bad_credentials_is_401(client, headers):
    response = client.get("/admin/users", headers=headers)
    assert_json_error(response, 401, f"GET /admin/users with {headers}")


@pytest.mark.task(3)
def test_admin_with_a_non_admin_token_is_403(client):
    for method, path in [("GET", "/admin/users"), ("GET", "/admin/users/bob"),
                         ("PUT", "/admin/users/bob")]:
        response = client.open(path, method=method, headers=bearer(USER), json={"role": "admin"})
        assert_json_error(response, 403, f"{method} {path} with bob's (role user) token")
    role = client.get("/auth/whoami", headers=bearer(USER)).get_json()["role"]
    assert role == "user", f"bob's role became {role!r} although the PUT was refused"


@pytest.mark.task(3)
def test_admin_with_an_admin_token_lists_the_users(client):
    response = client.get("/admin/users", headers=bearer(ADMIN))
    assert response.status_code == 200, f"GET /admin/users as alice answered {show(response)}"
    assert response.get_json() == {"users": ["alice", "bob"]}, (
        f"GET /admin/users answered {response.get_json()}; expected {{'users': ['alice', 'bob']}}"
    )


@pytest.mark.task(3)
@pytest.mark.parametrize(
    ("name", "role"), [("bob", "user"), ("alice", "admin")], ids=["bob", "alice"]
)
def test_an_admin_can_read_one_user(client, name, role):
    response = client.get(f"/admin/users/{name}", headers=bearer(ADMIN))
    want = {"user": name, "role": role}
    assert response.status_code == 200 and response.get_json(silent=True) == want, (
        f"GET /admin/users/{name} as alice answered {show(response)}; expected 200 {want}"
    )


@pytest.mark.task(3)
def test_an_admin_can_change_a_role(client):
    response = client.put("/admin/users/bob", headers=bearer(ADMIN), json={"role": "admin"})
    assert response.status_code == 200, f"PUT /admin/users/bob answered {show(response)}"
    assert response.get_json() == {"user": "bob", "role": "admin"}, (
        f"PUT /admin/users/bob answered {response.get_json()}"
    )
    response = client.get("/admin/users/bob", headers=bearer(USER))
    assert response.status_code == 200, (
        f"after promotion, bob's GET /admin/users/bob answered {show(response)}; expected 200"
    )
    response = client.put("/admin/users/bob", headers=bearer(ADMIN), json={"role": "user"})
    assert response.status_code == 200 and response.get_json() == {"user": "bob", "role": "user"}, (
        f"PUT /admin/users/bob {{'role': 'user'}} (demoting bob again) answered {show(response)};"
        " expected 200 {'user': 'bob', 'role': 'user'}"
    )
    response = client.get("/admin/users", headers=bearer(USER))
    assert response.status_code == 403, (
        f"after demotion, bob's GET /admin/users answered {show(response)}; expected 403"
    )


# --- Task 4 ------------------------------------------------------------------------------------


@pytest.mark.task(4)
def test_a_missing_user_inside_admin_is_a_json_404(client):
    response = client.get("/admin/users/mallory", headers=bearer(ADMIN))
    assert_json_error(response, 404, "GET /admin/users/mallory as admin")


@pytest.mark.task(4)
@pytest.mark.parametrize(
    ("case", "kwargs", "status"),
    [
        ("invalid JSON", {"data": '{"role": ', "content_type": "application/json"}, 400),
        ("a form post", {"data": {"role": "admin"}}, 415),
        ("a JSON list", {"json": ["admin"]}, 400),
        ("an unknown role", {"json": {"role": "root"}}, 400),
        ("a role that is not a string", {"json": {"role": ["admin"]}}, 400),
        ("a role in capitals", {"json": {"role": "ADMIN"}}, 400),
        ("no role", {"json": {"name": "admin"}}, 400),
    ],
    ids=["invalid-json", "form-post", "json-list", "unknown-role", "role-not-a-string",
         "role-in-capitals", "no-role"],
)
def test_a_bad_body_inside_admin_is_a_json_error(client, case, kwargs, status):
    response = client.put("/admin/users/bob", headers=bearer(ADMIN), **kwargs)
    assert_json_error(response, status, f"PUT /admin/users/bob with {case}")
    role = client.get("/auth/whoami", headers=bearer(USER)).get_json()
    assert role == {"user": "bob", "role": "user"}, f"after the refused PUT, bob is {role}"


@pytest.mark.task(4)
@pytest.mark.parametrize("path", ["/en/articles/3", "/fr/articles/999"], ids=["en-3", "fr-999"])
def test_a_missing_article_outside_admin_keeps_the_html_404(client, path):
    assert_html(client.get(path), 404, f"GET {path}")


@pytest.mark.task(4)
def test_an_unknown_url_keeps_the_html_404(client):
    assert_html(client.get("/nowhere"), 404, "GET /nowhere")


@pytest.mark.task(4)
def test_json_error_keeps_the_status_and_headers_of_the_error(app):
    error = MethodNotAllowed(valid_methods=["GET", "PUT"], description="not here")
    with app.test_request_context("/admin/users/bob", method="DELETE"):
        response = app.make_response(json_error(error))
    body = response.get_json(silent=True)
    assert response.status_code == 405 and body == {
        "error": "Method Not Allowed", "message": "not here"
    }, (
        "json_error(MethodNotAllowed(valid_methods=['GET', 'PUT'], description='not here')) "
        f"gave {show(response)}; expected 405 with {{'error': 'Method Not Allowed', "
        "'message': 'not here'}"
    )
    assert allowed_methods(response) == {"GET", "PUT"}, (
        f"json_error(MethodNotAllowed(valid_methods=['GET', 'PUT'])) gave Allow: "
        f"{response.headers.get('Allow')!r}; expected 'GET, PUT': start from error.get_response()"
    )


@pytest.mark.task(4)
def test_a_method_admin_does_not_support_is_flasks_html_405_with_allow(client):
    response = client.delete("/admin/users/bob", headers=bearer(ADMIN))
    assert_html(response, 405, "DELETE /admin/users/bob as admin")
    allowed = allowed_methods(response)
    assert {"GET", "PUT"} <= allowed and "DELETE" not in allowed, (
        f"DELETE /admin/users/bob answered Allow: {response.headers.get('Allow')!r}; expected "
        "the methods that work, GET and PUT among them"
    )
