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
from gunicorn_deploy.app import create_app
from gunicorn_deploy.wsgi import application

ENV_NAMES = ("HOST", "PORT", "WEB_CONCURRENCY", "GUNICORN_CMD_ARGS", "GATE_FILE")
BOOT_DEADLINE = 15.0  # seconds for Gunicorn to answer its first request


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
                 "--no-control-socket", "gunicorn_deploy.app:app"],
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
    assert 0.09 <= took < 2, f"GET /slow?timeout=0.1 took {took:.2f} s; expected about 0.1 s"


@pytest.mark.task(1)
@pytest.mark.parametrize("raw", ["abc", "", "nan", "inf", "-1", "10.5", "1e309", "0x10"])
def test_slow_rejects_a_bad_timeout_with_400_json(tmp_path: Path, raw: str) -> None:
    client = create_app(tmp_path / "gate").test_client()
    resp = client.get("/slow", query_string={"timeout": raw})
    assert resp.status_code == 400, (
        f"GET /slow?timeout={raw!r} returned {resp.status}; expected 400 (0 to 10 seconds only)"
    )
    body = resp.get_json(silent=True)
    assert isinstance(body, dict) and body.get("message"), (
        f"GET /slow?timeout={raw!r} returned {resp.get_data()[:200]!r}; "
        f"expected a JSON body with a 'message'"
    )


@pytest.mark.task(1)
def test_slow_without_a_gate_file_is_503_json_not_a_crash() -> None:
    resp = create_app(None).test_client().get("/slow?timeout=1")
    assert resp.status_code == 503, f"GET /slow with no gate configured returned {resp.status}"
    body = resp.get_json(silent=True)
    assert isinstance(body, dict) and body.get("message"), (
        f"GET /slow with no gate returned {resp.get_data()[:200]!r}; expected a JSON 'message'"
    )


@pytest.mark.task(1)
def test_unknown_routes_get_a_json_404() -> None:
    resp = create_app().test_client().get("/../../etc/passwd")
    assert resp.status_code == 404, f"GET /../../etc/passwd returned {resp.status}; expected 404"
    assert resp.is_json and resp.get_json().get("message"), (
        f"GET of an unknown route returned {resp.content_type!r} {resp.get_data()[:120]!r}; "
        "expected a JSON body with a 'message'"
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
@pytest.mark.parametrize("path", ["/nope", "/\xe2\x80\xa8", "/" + "a" * 10_000, "//"])
def test_bare_application_answers_404_for_any_other_path(path: str) -> None:
    status, _, body = call_wsgi("GET", path, query="x=" + "%00" * 1000)
    assert status.startswith("404 "), (
        f"application(GET {path[:30]!r}) started with {status!r}; expected a 404"
    )
    assert isinstance(body, bytes)


# Task 3 — the Gunicorn config module


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


@pytest.mark.task(3)
def test_web_concurrency_overrides_the_cpu_rule(
    kata_tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for cpus, raw, want in [(4, "2", 2), (1, "5", 5), (64, " 7 ", 7), (4, "32", 32)]:
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
@pytest.mark.parametrize("raw", ["abc", "", "0", "-1", "65536", "80.5", "８０８０", "0x1f90",
                                 "8_080", "99999999999999999999"])
def test_a_bad_port_stops_the_config_with_a_value_error_naming_port(
    kata_tree: Path, monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    with pytest.raises(ValueError, match="PORT") as info:
        load_config(kata_tree, monkeypatch, {"PORT": raw})
    assert repr(raw) in str(info.value), (
        f"PORT={raw!r} raised {info.value!r}; the message should quote the bad value {raw!r}"
    )


@pytest.mark.task(3)
@pytest.mark.parametrize("raw", ["many", "", "0", "-2", "1.5", "33", "1000000", "٣"])
def test_a_bad_web_concurrency_stops_the_config_with_a_value_error(
    kata_tree: Path, monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    with pytest.raises(ValueError, match="WEB_CONCURRENCY"):
        load_config(kata_tree, monkeypatch, {"WEB_CONCURRENCY": raw})


@pytest.mark.task(3)
@pytest.mark.parametrize("raw", ["", "127.0.0.1:9999", "evil host", "a;rm -rf /", "-bad-"])
def test_a_bad_host_stops_the_config_with_a_value_error(
    kata_tree: Path, monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    with pytest.raises(ValueError, match="HOST"):
        load_config(kata_tree, monkeypatch, {"HOST": raw})


@pytest.mark.task(3)
def test_config_uses_sync_workers_timeouts_and_logs_to_the_standard_streams(
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
