"""Tests for the gunicorn_deploy kata: a Flask app, its Gunicorn config and a bare WSGI callable.

The last task starts a real Gunicorn (``python -m gunicorn``) on a free loopback port. Each
server runs in its own process group, its output goes to files (a full pipe would stall it), and
the fixture's teardown always stops it: SIGTERM, a bounded wait, then SIGKILL.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import runpy
import signal
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import WSGIWarning, validator

import pytest
from gunicorn.config import KNOWN_SETTINGS
from gunicorn_deploy.app import create_app
from gunicorn_deploy.wsgi import application
from kata_support import expect_raises

ENV_NAMES = ("HOST", "PORT", "WEB_CONCURRENCY", "THREADS", "TIMEOUT", "GUNICORN_CMD_ARGS",
             "GATE_FILE")
BOOT_DEADLINE = 15.0  # seconds for Gunicorn to answer its first request
# Gunicorn 25+ opens a control socket under $HOME unless told not to; older ones lack the flag.
NO_CONTROL_SOCKET = [flag for setting in KNOWN_SETTINGS for flag in (setting.cli or ())
                     if flag == "--no-control-socket"]


def json_error(resp, status: int, what: str) -> None:
    """An error answer: this status, Content-Type JSON, and a body exactly {"message": "..."}."""
    text = resp.get_data()[:200]
    assert resp.status_code == status, f"{what} returned {resp.status}; expected {status}"
    body = resp.get_json(silent=True)
    assert resp.is_json and isinstance(body, dict) and set(body) == {"message"} and (
        isinstance(body["message"], str) and body["message"]), (
        f"{what} returned {resp.content_type!r} {text!r}; expected JSON "
        '{"message": "..."} and nothing else'
    )


# Helpers for Task 3: run the config module afresh under a chosen environment


def load_config(kata_tree: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str],
                cpus: int | None = 4) -> dict:
    """Execute gunicorn_deploy/gunicorn_conf.py as Gunicorn does and return its names."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)
    # A config module must not be served from a cache: every run re-reads the environment.
    for name in [m for m in sys.modules if m.endswith("gunicorn_conf")]:
        monkeypatch.delitem(sys.modules, name)
    return runpy.run_path(str(kata_tree / "gunicorn_deploy" / "gunicorn_conf.py"))


def binds(config: dict) -> list[str]:
    value = config.get("bind")
    return [value] if isinstance(value, str) else list(value or [])


# Helpers for Task 2: call the bare WSGI callable under wsgiref's validator


def call_wsgi(method: str, path: str = "/", query: str = "") -> tuple[str, dict[str, str], bytes]:
    environ: dict = {}
    setup_testing_defaults(environ)
    environ.update(REQUEST_METHOD=method, PATH_INFO=path, QUERY_STRING=query)
    seen: dict = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, headers
        return lambda data: None

    what = f"application({method} {path!r})"
    with warnings.catch_warnings():
        warnings.simplefilter("error", WSGIWarning)
        try:
            result = validator(application)(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                result.close()
        except (AssertionError, WSGIWarning) as exc:
            pytest.fail(f"wsgiref.validate rejected {what}: {exc}")
    headers = {name.lower(): value for name, value in seen["headers"]}
    return seen["status"], headers, body


# Helpers for Task 4: a real Gunicorn


@dataclass
class Server:
    proc: subprocess.Popen
    port: int
    out: Path
    err: Path

    def logs(self) -> str:
        return (f"\n--- gunicorn stdout ---\n{self.out.read_text(errors='replace')[-1500:]}"
                f"\n--- gunicorn stderr ---\n{self.err.read_text(errors='replace')[-1500:]}")


def get(port: int, path: str, timeout: float = 5.0) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read() or b"null")
    finally:
        conn.close()


def stop(proc: subprocess.Popen) -> None:
    """Stop a server and every worker of its process group, whatever state it is in."""
    if proc.poll() is None:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # the group we created: stray workers included
    proc.wait(timeout=5)


@pytest.fixture
def gunicorn(kata_tree: Path, tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start Gunicorn with our config module; every server started is stopped at teardown."""
    started: list[subprocess.Popen] = []

    def start(port: int, **env: str) -> Server:
        child_env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
        child_env.update({"HOST": "127.0.0.1", "PORT": str(port), "PYTHONUNBUFFERED": "1"})
        child_env.update(env)
        out, err = tmp_path / f"out-{len(started)}.log", tmp_path / f"err-{len(started)}.log"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--chdir", str(kata_tree),
                 "-c", str(kata_tree / "gunicorn_deploy" / "gunicorn_conf.py"),
                 *NO_CONTROL_SOCKET, "gunicorn_deploy.app:app"],
                env=child_env, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL,
                start_new_session=True, cwd=tmp_path,
            )
        started.append(proc)
        return Server(proc, port, out, err)

    try:
        yield start
    finally:
        for proc in started:
            stop(proc)


def wait_ready(server: Server) -> dict:
    """Poll GET /health until it answers 200, Gunicorn exits, or the deadline passes."""
    deadline = time.monotonic() + BOOT_DEADLINE
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            pytest.fail(f"gunicorn exited with code {server.proc.returncode} before serving "
                        f"GET /health on port {server.port}{server.logs()}")
        try:
            status, body = get(server.port, "/health", timeout=1.0)
        except (OSError, http.client.HTTPException, ValueError):
            time.sleep(0.05)
            continue
        if status == 200:
            return body
        time.sleep(0.05)
    pytest.fail(f"gunicorn did not answer GET /health on port {server.port} within "
                f"{BOOT_DEADLINE:g} s{server.logs()}")


def send_slow(port: int, timeout: float = 8.0) -> tuple[threading.Thread, dict]:
    """Send GET /slow on a connection opened *now*; read its answer in a thread."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout + 2)
    conn.request("GET", f"/slow?timeout={timeout:g}")  # connected and sent before we return
    result: dict = {}

    def read() -> None:
        try:
            resp = conn.getresponse()
            result["status"], result["body"] = resp.status, json.loads(resp.read())
        except (OSError, http.client.HTTPException, ValueError) as exc:
            result["error"] = repr(exc)
        finally:
            conn.close()

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread, result


# Task 1 — the Flask app


@pytest.mark.task(1)
def test_health_reports_ok_and_the_pid_of_the_process_that_answered() -> None:
    resp = create_app().test_client().get("/health")
    assert resp.status_code == 200, f"GET /health returned {resp.status}; expected 200"
    body = resp.get_json()
    assert body == {"status": "ok", "pid": os.getpid()}, (
        f"GET /health returned {body!r}; expected {{'status': 'ok', 'pid': {os.getpid()}}}"
    )


@pytest.mark.task(1)
def test_slow_returns_at_once_when_the_gate_file_already_exists(tmp_path: Path) -> None:
    gate = tmp_path / "gate"
    gate.touch()
    client = create_app(gate).test_client()
    began = time.monotonic()
    resp = client.get("/slow?timeout=5")
    took = time.monotonic() - began
    assert resp.status_code == 200, f"GET /slow returned {resp.status}; expected 200"
    assert resp.get_json() == {"pid": os.getpid(), "released": True}, (
        f"GET /slow with the gate open returned {resp.get_json()!r}; "
        f"expected {{'pid': {os.getpid()}, 'released': True}}"
    )
    assert took < 2, f"GET /slow took {took:.1f} s although the gate file existed; expected < 2 s"


@pytest.mark.task(1)
def test_slow_gives_up_after_its_timeout_when_the_gate_stays_closed(tmp_path: Path) -> None:
    client = create_app(tmp_path / "never-created").test_client()
    began = time.monotonic()
    resp = client.get("/slow?timeout=0.1")
    took = time.monotonic() - began
    assert resp.status_code == 200, f"GET /slow?timeout=0.1 returned {resp.status}; expected 200"
    assert resp.get_json() == {"pid": os.getpid(), "released": False}, (
        f"GET /slow?timeout=0.1 with the gate closed returned {resp.get_json()!r}; "
        f"expected released False"
    )
    assert 0.09 <= took < 0.6, (
        f"GET /slow?timeout=0.1 took {took:.2f} s; expected about 0.1 s (look at the gate every "
        "few milliseconds, not every second)"
    )


@pytest.mark.task(1)
def test_slow_returns_soon_after_the_gate_opens_during_the_wait(tmp_path: Path) -> None:
    gate = tmp_path / "gate"
    client = create_app(gate).test_client()
    opener = threading.Timer(0.2, gate.touch)
    began = time.monotonic()
    opener.start()
    try:
        resp = client.get("/slow?timeout=5")
    finally:
        opener.cancel()
    took = time.monotonic() - began
    assert resp.status_code == 200 and resp.get_json() == {"pid": os.getpid(), "released": True}, (
        f"GET /slow?timeout=5 with the gate created after 0.2 s returned {resp.status} "
        f"{resp.get_data()[:200]!r}; expected 200 and released True"
    )
    assert took < 0.8, (
        f"GET /slow?timeout=5 returned {took:.2f} s after it began, although the gate appeared "
        "after 0.2 s; it should notice within a few milliseconds"
    )


BAD_WAITS = ["abc", "", "nan", "inf", "-1", "-0.001", "10.001", "10.5", "1e309", "0x10"]


@pytest.mark.task(1)
@pytest.mark.parametrize("raw", BAD_WAITS, ids=[repr(raw) for raw in BAD_WAITS])
def test_slow_rejects_a_bad_timeout_with_400_json(tmp_path: Path, raw: str) -> None:
    client = create_app(tmp_path / "gate").test_client()
    resp = client.get("/slow", query_string={"timeout": raw})
    json_error(resp, 400, f"GET /slow?timeout={raw!r} (0 to 10 seconds only)")


@pytest.mark.task(1)
@pytest.mark.parametrize("raw", ["0", "10", "10.0"], ids=["'0'", "'10'", "'10.0'"])
def test_slow_accepts_a_timeout_at_either_end_of_its_range(tmp_path: Path, raw: str) -> None:
    gate = tmp_path / "gate"
    gate.touch()  # open: even ?timeout=10 answers at once
    resp = create_app(gate).test_client().get("/slow", query_string={"timeout": raw})
    assert resp.status_code == 200 and resp.get_json() == {"pid": os.getpid(), "released": True}, (
        f"GET /slow?timeout={raw} with the gate open returned {resp.status} "
        f"{resp.get_data()[:200]!r}; expected 200 (0 and 10 are both allowed)"
    )


@pytest.mark.task(1)
def test_slow_without_a_gate_file_is_503_json_not_a_crash() -> None:
    resp = create_app(None).test_client().get("/slow?timeout=1")
    json_error(resp, 503, "GET /slow with no gate file configured")


@pytest.mark.task(1)
def test_unknown_routes_get_a_json_404() -> None:
    resp = create_app().test_client().get("/../../etc/passwd")
    json_error(resp, 404, "GET /../../etc/passwd (an unknown route)")


@pytest.mark.task(1)
@pytest.mark.parametrize("method, path", [("POST", "/health"), ("DELETE", "/slow"),
                                          ("PUT", "/health")],
                         ids=["POST /health", "DELETE /slow", "PUT /health"])
def test_a_wrong_method_is_a_json_405_that_keeps_its_allow_header(method: str, path: str) -> None:
    resp = create_app().test_client().open(path, method=method)
    json_error(resp, 405, f"{method} {path}")
    allowed = {m.strip() for m in resp.headers.get("Allow", "").split(",") if m.strip()}
    assert allowed == {"GET", "HEAD", "OPTIONS"}, (
        f"{method} {path} answered 405 with Allow {resp.headers.get('Allow')!r}; expected the "
        "methods Flask computed, GET, HEAD, OPTIONS (RFC 9110 requires Allow on a 405; an "
        "error handler that builds a new response drops it)"
    )


# Task 2 — a bare PEP 3333 callable


@pytest.mark.task(2)
def test_bare_application_passes_wsgiref_validation_and_greets() -> None:
    status, headers, body = call_wsgi("GET")
    assert status == "200 OK", f"application(GET /) started with {status!r}; expected '200 OK'"
    assert body == b"Hello from a bare WSGI app\n", (
        f"application(GET /) returned {body!r}; expected b'Hello from a bare WSGI app\\n'"
    )
    assert headers.get("content-type", "").startswith("text/plain"), (
        f"application(GET /) sent Content-Type {headers.get('content-type')!r}; "
        "expected text/plain"
    )
    assert headers.get("content-length") == str(len(body)), (
        f"application(GET /) sent Content-Length {headers.get('content-length')!r} "
        f"for a {len(body)}-byte body"
    )


@pytest.mark.task(2)
def test_bare_application_answers_head_with_headers_and_no_body() -> None:
    status, headers, body = call_wsgi("HEAD")
    assert status == "200 OK", f"application(HEAD /) started with {status!r}; expected '200 OK'"
    assert body == b"", f"application(HEAD /) returned the body {body!r}; expected none"
    assert headers.get("content-length") == "27", (
        f"application(HEAD /) sent Content-Length {headers.get('content-length')!r}; "
        "expected '27', the length GET would send"
    )


@pytest.mark.task(2)
@pytest.mark.parametrize("method", ["POST", "DELETE", "PUT", "OPTIONS"])
def test_bare_application_refuses_other_methods_with_405_and_allow(method: str) -> None:
    status, headers, _ = call_wsgi(method)
    assert status.startswith("405 "), f"application({method} /) started with {status!r}"
    assert headers.get("allow") == "GET, HEAD", (
        f"application({method} /) sent Allow {headers.get('allow')!r}; expected 'GET, HEAD'"
    )


@pytest.mark.task(2)
@pytest.mark.parametrize("path", ["/nope", "/\xe2\x80\xa8", "/" + "a" * 10_000, "//"],
                         ids=["/nope", "latin-1 bytes of U+2028", "10000 characters", "//"])
def test_bare_application_answers_404_for_any_other_path(path: str) -> None:
    status, _, body = call_wsgi("GET", path, query="x=" + "%00" * 1000)
    assert status.startswith("404 "), (
        f"application(GET {path[:30]!r}) started with {status!r}; expected a 404"
    )
    assert isinstance(body, bytes)


# Task 3 — the Gunicorn config module


def config_error(kata_tree: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> str:
    """Run the config module under ``env``; it must raise ValueError. Returns the message."""
    shown = " ".join(f"{name}={value!r}" for name, value in env.items())
    with expect_raises(ValueError, f"running gunicorn_conf.py with {shown}") as info:
        load_config(kata_tree, monkeypatch, env)
    return str(info.value)


@pytest.mark.task(3)
def test_config_defaults_to_loopback_port_8000_and_two_workers_per_cpu_plus_one(
    kata_tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(kata_tree, monkeypatch, {}, cpus=4)
    assert binds(config) == ["127.0.0.1:8000"], (
        f"with no HOST or PORT, bind = {config.get('bind')!r}; expected ['127.0.0.1:8000']"
    )
    assert config.get("workers") == 9, (
        f"with 4 CPUs and no WEB_CONCURRENCY, workers = {config.get('workers')!r}; "
        "expected 2 * 4 + 1 = 9"
    )


@pytest.mark.task(3)
@pytest.mark.parametrize("cpus, want", [(1, 3), (15, 31), (16, 32), (64, 32)],
                         ids=["1 cpu", "15 cpus", "16 cpus", "64 cpus"])
def test_the_cpu_rule_stops_at_max_workers(
    kata_tree: Path, monkeypatch: pytest.MonkeyPatch, cpus: int, want: int
) -> None:
    config = load_config(kata_tree, monkeypatch, {}, cpus=cpus)
    assert config.get("workers") == want, (
        f"with {cpus} CPUs and no WEB_CONCURRENCY, workers = {config.get('workers')!r}; expected "
        f"min(2 * {cpus} + 1, 32) = {want}"
    )


@pytest.mark.task(3)
def test_config_reads_host_and_port_from_the_environment(
    kata_tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(kata_tree, monkeypatch, {"HOST": "0.0.0.0", "PORT": "5123"})
    assert binds(config) == ["0.0.0.0:5123"], (
        f"with HOST=0.0.0.0 PORT=5123, bind = {config.get('bind')!r}; expected ['0.0.0.0:5123']"
    )
    config = load_config(kata_tree, monkeypatch, {"HOST": "::1", "PORT": "8081"})
    assert binds(config) == ["[::1]:8081"], (
        f"with HOST=::1 PORT=8081, bind = {config.get('bind')!r}; expected ['[::1]:8081'] "
        "(an IPv6 address needs brackets)"
    )
    config = load_config(kata_tree, monkeypatch, {"HOST": "web-1.internal"})
    assert binds(config) == ["web-1.internal:8000"], (
        f"with HOST=web-1.internal, bind = {config.get('bind')!r}; expected "
        "['web-1.internal:8000'] (a plain hostname is allowed)"
    )


GOOD_PORTS = [("1", 1), ("65535", 65535), (" 8080 ", 8080), ("8080\n", 8080)]


@pytest.mark.task(3)
@pytest.mark.parametrize("raw, want", GOOD_PORTS, ids=[repr(raw) for raw, _ in GOOD_PORTS])
def test_a_port_at_either_end_or_with_surrounding_whitespace_is_accepted(
    kata_tree: Path, monkeypatch: pytest.MonkeyPatch, raw: str, want: int
) -> None:
    config = load_config(kata_tree, monkeypatch, {"PORT": raw})
    assert binds(config) == [f"127.0.0.1:{want}"], (
        f"with PORT={raw!r}, bind = {config.get('bind')!r}; expected ['127.0.0.1:{want}']"
    )


GOOD_CONCURRENCY = [(4, "2", 2), (1, "5", 5), (64, " 7 ", 7), (4, "1", 1), (4, "32", 32),
                    (4, "3\n", 3)]


@pytest.mark.task(3)
@pytest.mark.parametrize("cpus, raw, want", GOOD_CONCURRENCY,
                         ids=[f"{raw!r} with {cpus} cpus" for cpus, raw, _ in GOOD_CONCURRENCY])
def test_web_concurrency_overrides_the_cpu_rule(
    kata_tree: Path, monkeypatch: pytest.MonkeyPatch, cpus: int, raw: str, want: int
) -> None:
    config = load_config(kata_tree, monkeypatch, {"WEB_CONCURRENCY": raw}, cpus=cpus)
    assert config.get("workers") == want, (
        f"with WEB_CONCURRENCY={raw!r} and {cpus} CPUs, workers = "
        f"{config.get('workers')!r}; expected {want}"
    )


@pytest.mark.task(3)
def test_unknown_cpu_count_counts_as_one_cpu(
    kata_tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(kata_tree, monkeypatch, {}, cpus=None)
    assert config.get("workers") == 3, (
        f"when os.cpu_count() returns None, workers = {config.get('workers')!r}; expected 3"
    )


@pytest.mark.task(3)
def test_one_thread_means_sync_workers_and_more_means_gthread(
    kata_tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for env, want in [({}, (1, "sync")), ({"THREADS": "1"}, (1, "sync")),
                      ({"THREADS": "2"}, (2, "gthread")), ({"THREADS": " 32 "}, (32, "gthread"))]:
        config = load_config(kata_tree, monkeypatch, env)
        got = (config.get("threads"), config.get("worker_class"))
        assert got == want, (
            f"with {env or 'no THREADS'}, (threads, worker_class) = {got!r}; expected {want!r}"
        )


@pytest.mark.task(3)
def test_timeout_comes_from_the_environment(
    kata_tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for env, want in [({}, 30), ({"TIMEOUT": "1"}, 1), ({"TIMEOUT": "45"}, 45),
                      ({"TIMEOUT": " 300 "}, 300)]:
        config = load_config(kata_tree, monkeypatch, env)
        assert config.get("timeout") == want, (
            f"with {env or 'no TIMEOUT'}, timeout = {config.get('timeout')!r}; expected {want}"
        )


BAD_NUMBERS = [
    ("PORT", "abc"), ("PORT", ""), ("PORT", "0"), ("PORT", "-1"), ("PORT", "65536"),
    ("PORT", "80.5"), ("PORT", "８０８０"), ("PORT", "0x1f90"), ("PORT", "8_080"),
    ("PORT", "80 80"), ("PORT", "99999999999999999999"),
    ("WEB_CONCURRENCY", "many"), ("WEB_CONCURRENCY", ""), ("WEB_CONCURRENCY", "0"),
    ("WEB_CONCURRENCY", "-2"), ("WEB_CONCURRENCY", "1.5"), ("WEB_CONCURRENCY", "33"),
    ("WEB_CONCURRENCY", "1000000"), ("WEB_CONCURRENCY", "٣"),
    ("THREADS", "0"), ("THREADS", "33"), ("THREADS", "two"), ("THREADS", "+4"),
    ("TIMEOUT", "0"), ("TIMEOUT", "301"), ("TIMEOUT", "2.5"), ("TIMEOUT", "30s"),
]


@pytest.mark.task(3)
@pytest.mark.parametrize("name, raw", BAD_NUMBERS,
                         ids=[f"{name}={raw!r}" for name, raw in BAD_NUMBERS])
def test_a_bad_number_stops_the_config_with_a_value_error_naming_it(
    kata_tree: Path, monkeypatch: pytest.MonkeyPatch, name: str, raw: str
) -> None:
    message = config_error(kata_tree, monkeypatch, {name: raw})
    assert name in message and repr(raw) in message, (
        f"{name}={raw!r} raised ValueError({message!r}); the message should name {name} and "
        f"quote the bad value as {raw!r}"
    )


BAD_HOSTS = ["", "127.0.0.1:9999", "evil host", "a;rm -rf /", "-bad-", "bad-", "host_name"]


@pytest.mark.task(3)
@pytest.mark.parametrize("raw", BAD_HOSTS, ids=[repr(raw) for raw in BAD_HOSTS])
def test_a_bad_host_stops_the_config_with_a_value_error(
    kata_tree: Path, monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    message = config_error(kata_tree, monkeypatch, {"HOST": raw})
    assert "HOST" in message, f"HOST={raw!r} raised ValueError({message!r}); name HOST in it"


@pytest.mark.task(3)
def test_config_uses_timeouts_and_logs_to_the_standard_streams(
    kata_tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(kata_tree, monkeypatch, {})
    want = {"worker_class": "sync", "timeout": 30, "accesslog": "-", "errorlog": "-"}
    got = {name: config.get(name) for name in want}
    assert got == want, f"the config module sets {got!r}; expected {want!r}"
    grace = config.get("graceful_timeout")
    assert isinstance(grace, int) and 0 < grace < 10, (
        f"graceful_timeout = {grace!r}; expected a whole number of seconds below 10, so that "
        "workers finish before Docker's SIGKILL"
    )


# Task 4 — a real Gunicorn


@pytest.mark.task(4)
@pytest.mark.timeout(40)
def test_gunicorn_serves_on_port_logs_access_to_stdout_and_exits_0_on_sigterm(
    gunicorn: Callable[..., Server], free_port: int, tmp_path: Path
) -> None:
    server = gunicorn(free_port, WEB_CONCURRENCY="1", GATE_FILE=str(tmp_path / "gate"))
    body = wait_ready(server)
    assert body.get("status") == "ok" and body.get("pid") != server.proc.pid, (
        f"GET /health through gunicorn returned {body!r}; expected status ok and the pid of "
        f"a worker (not the master, {server.proc.pid})"
    )
    server.proc.send_signal(signal.SIGTERM)
    try:
        code = server.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail(f"gunicorn was still running 10 s after SIGTERM{server.logs()}")
    assert code == 0, f"gunicorn exited with code {code} after SIGTERM; expected 0{server.logs()}"
    assert "GET /health" in server.out.read_text(errors="replace"), (
        f"gunicorn's stdout has no access-log line for GET /health (accesslog = '-'){server.logs()}"
    )


@pytest.mark.task(4)
@pytest.mark.timeout(40)
def test_a_second_worker_answers_while_the_first_is_busy(
    gunicorn: Callable[..., Server], free_port: int, tmp_path: Path
) -> None:
    gate = tmp_path / "gate"
    server = gunicorn(free_port, WEB_CONCURRENCY="2", GATE_FILE=str(gate))
    wait_ready(server)
    # The kernel hands out queued connections in order: the slow one is accepted first.
    thread, slow = send_slow(server.port)
    try:
        status, fast = get(server.port, "/health", timeout=8)
    except (OSError, http.client.HTTPException) as exc:
        pytest.fail(f"GET /health got no answer while GET /slow was waiting ({exc!r}); with "
                    f"WEB_CONCURRENCY=2 another worker should answer{server.logs()}")
    finally:
        busy = thread.is_alive()
        gate.touch()
        thread.join(timeout=10)
    assert busy, f"GET /slow returned {slow!r} before its gate file was created"
    assert status == 200, f"GET /health during a slow request returned {status} {fast!r}"
    assert slow.get("status") == 200 and slow["body"].get("released") is True, (
        f"GET /slow returned {slow!r} after the gate opened; expected 200 and released True"
    )
    assert fast.get("pid") != slow["body"].get("pid"), (
        f"GET /health and GET /slow were both answered by pid {fast.get('pid')}; expected two "
        "different worker processes"
    )


@pytest.mark.task(4)
@pytest.mark.timeout(40)
def test_with_threads_one_worker_answers_while_another_thread_is_busy(
    gunicorn: Callable[..., Server], free_port: int, tmp_path: Path
) -> None:
    gate = tmp_path / "gate"
    server = gunicorn(free_port, WEB_CONCURRENCY="1", THREADS="2", GATE_FILE=str(gate))
    first = wait_ready(server)
    thread, slow = send_slow(server.port)
    try:
        status, fast = get(server.port, "/health", timeout=8)
    except (OSError, http.client.HTTPException) as exc:
        pytest.fail(f"GET /health got no answer while GET /slow was waiting ({exc!r}); with "
                    f"WEB_CONCURRENCY=1 THREADS=2 the worker's second thread should answer"
                    f"{server.logs()}")
    finally:
        busy = thread.is_alive()
        gate.touch()
        thread.join(timeout=10)
    assert busy, f"GET /slow returned {slow!r} before its gate file was created"
    assert status == 200, f"GET /health during a slow request returned {status} {fast!r}"
    assert slow.get("status") == 200 and slow["body"].get("released") is True, (
        f"GET /slow returned {slow!r} after the gate opened; expected 200 and released True"
    )
    pids = {first.get("pid"), fast.get("pid"), slow["body"].get("pid")}
    assert len(pids) == 1, (
        f"with one worker and THREADS=2, the answers came from pids {sorted(map(str, pids))}; "
        f"expected one process serving both requests on two threads{server.logs()}"
    )


@pytest.mark.task(4)
@pytest.mark.timeout(40)
def test_a_sync_worker_silent_longer_than_timeout_is_killed_and_replaced(
    gunicorn: Callable[..., Server], free_port: int, tmp_path: Path
) -> None:
    server = gunicorn(free_port, WEB_CONCURRENCY="1", TIMEOUT="2",
                      GATE_FILE=str(tmp_path / "never-created"))
    before = wait_ready(server).get("pid")
    began = time.monotonic()
    try:
        status, body = get(server.port, "/slow?timeout=9", timeout=15)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        status, body = None, repr(exc)  # a closed connection: the worker was killed
    took = time.monotonic() - began
    assert status != 200, (
        f"GET /slow?timeout=9 with TIMEOUT=2 answered 200 {body!r} after {took:.1f} s; expected "
        f"the master to kill the silent sync worker after about 2 s (timeout = "
        f"read_timeout(os.environ)){server.logs()}"
    )
    after = wait_ready(server).get("pid")
    assert after != before, (
        f"after the worker timed out, GET /health still came from pid {before}; expected a new "
        f"worker started by the master{server.logs()}"
    )


@pytest.mark.task(4)
@pytest.mark.timeout(40)
def test_sigterm_lets_an_in_flight_request_finish_then_exits_0(
    gunicorn: Callable[..., Server], free_port: int, tmp_path: Path
) -> None:
    gate = tmp_path / "gate"
    server = gunicorn(free_port, WEB_CONCURRENCY="2", GATE_FILE=str(gate))
    wait_ready(server)
    thread, slow = send_slow(server.port)
    try:
        get(server.port, "/health", timeout=8)  # answered => the slow request is in a worker
        server.proc.send_signal(signal.SIGTERM)
        time.sleep(0.2)  # let the shutdown begin while the request is still in flight
    finally:
        gate.touch()
        thread.join(timeout=10)
    assert slow.get("status") == 200 and slow["body"].get("released") is True, (
        f"GET /slow in flight during SIGTERM returned {slow!r}; expected it to finish with 200 "
        f"(graceful shutdown){server.logs()}"
    )
    try:
        code = server.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail(f"gunicorn was still running 10 s after SIGTERM{server.logs()}")
    assert code == 0, f"gunicorn exited with code {code} after SIGTERM; expected 0{server.logs()}"


@pytest.mark.task(4)
@pytest.mark.timeout(40)
def test_gunicorn_refuses_to_start_on_a_bad_port_and_says_why(
    gunicorn: Callable[..., Server], tmp_path: Path
) -> None:
    server = gunicorn(0, PORT="eighty", WEB_CONCURRENCY="1", GATE_FILE=str(tmp_path / "gate"))
    try:
        code = server.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail(f"gunicorn with PORT=eighty was still running after 10 s; expected it to "
                    f"stop at once with an error naming PORT{server.logs()}")
    errors = server.err.read_text(errors="replace") + server.out.read_text(errors="replace")
    assert code != 0, "gunicorn with PORT=eighty exited with code 0; expected a failure"
    assert "PORT" in errors and "eighty" in errors, (
        f"gunicorn with PORT=eighty failed without naming PORT and the value{server.logs()}"
    )


# Task 1 again: the one check that takes the full default wait runs last, so that a wrong
# answer elsewhere is reported without waiting for it.


@pytest.mark.task(1)
@pytest.mark.timeout(20)
def test_slow_waits_5_seconds_by_default_sleeping_between_checks(tmp_path: Path) -> None:
    client = create_app(tmp_path / "never-created").test_client()
    client.get("/health")  # warm up: the first request pays for imports
    wall, cpu = time.monotonic(), time.process_time()
    resp = client.get("/slow")
    wall, cpu = time.monotonic() - wall, time.process_time() - cpu
    assert resp.status_code == 200 and resp.get_json() == {"pid": os.getpid(), "released": False}, (
        f"GET /slow (no ?timeout, gate closed) returned {resp.status} {resp.get_data()[:200]!r}; "
        "expected 200 and released False"
    )
    assert 4.95 <= wall < 5.9, (
        f"GET /slow without ?timeout gave up after {wall:.2f} s; expected the default 5 s"
    )
    assert cpu < 0.1 * wall, (
        f"GET /slow kept this process busy for {cpu:.2f} s of CPU in {wall:.2f} s; a waiting "
        "worker should sleep a few milliseconds between two looks at the gate file, not spin"
    )
