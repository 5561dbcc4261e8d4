"""Tests for the horizontal_scaling kata: a stateless app, a load balancer and a Dockerfile.

Backends are plain WSGI callables driven by the tests (threads and events, no sleeps). One test
starts two real Gunicorn processes sharing a SQLite file; each runs in its own process group and
is always stopped at teardown (SIGTERM, a bounded wait, then SIGKILL).
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote
from wsgiref.validate import WSGIWarning, validator

import pytest
from gunicorn.config import KNOWN_SETTINGS
from horizontal_scaling.app import create_app
from horizontal_scaling.balancer import HttpBackend, LoadBalancer
from kata_support import call_raises, describe_call, expect_raises
from werkzeug.test import Client, EnvironBuilder

BOOT_DEADLINE = 15.0
# Gunicorn 25+ opens a control socket under $HOME unless told not to; older ones lack the flag.
NO_CONTROL_SOCKET = [flag for setting in KNOWN_SETTINGS for flag in (setting.cli or ())
                     if flag == "--no-control-socket"]


def store(path: Path) -> str:
    return f"sqlite:///{path}"


def show(resp) -> str:
    return f"{resp.status} {resp.get_data()[:200]!r}"


def assert_json_error(resp, status: int, what: str) -> None:
    """This status, Content-Type JSON, and a body that is exactly {"message": "..."}."""
    assert resp.status_code == status, f"{what} returned {show(resp)}; expected {status}"
    try:
        body = json.loads(resp.get_data())
    except ValueError:
        body = None
    assert resp.headers.get("Content-Type", "").startswith("application/json") and (
        isinstance(body, dict) and set(body) == {"message"} and isinstance(body["message"], str)
        and body["message"]), (
        f"{what} returned {show(resp)} (Content-Type {resp.headers.get('Content-Type')!r}); "
        'expected JSON {"message": "..."} and nothing else'
    )


class Fake:
    """A backend WSGI app the test controls: up, down (raises ConnectionError) or failing (5xx)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.down = False
        self.status = 200  # answer to everything but /health
        self.health = 200
        self.attempts: list[tuple[str, str]] = []  # every call, also while down
        self.served: list[tuple[str, str, bytes]] = []  # calls that got an answer
        self.release = threading.Event()
        self.release.set()  # set: answer at once; clear: hold requests until set
        self.entered = threading.Semaphore(0)

    def __call__(self, environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        if path != "/health":
            self.attempts.append((method, path))
        if self.down:
            raise ConnectionError(f"backend {self.name} is down")
        if path == "/health":
            status = self.health
        else:
            self.entered.release()
            self.release.wait(timeout=3)
            self.served.append((method, path, body))
            status = self.status
        payload = json.dumps({"backend": self.name, "body": body.decode("latin-1")}).encode()
        start_response(f"{status} Whatever", [("Content-Type", "application/json"),
                                              ("Content-Length", str(len(payload)))])
        return [payload]


def fakes(*names: str) -> dict[str, Fake]:
    return {name: Fake(name) for name in names}


def who(resp) -> str | None:
    return resp.headers.get("X-Backend")


# Task 1 — a stateless app


@pytest.mark.task(1)
def test_increment_counts_up_and_get_reads_the_value(tmp_path: Path) -> None:
    client = create_app(store(tmp_path / "c.db")).test_client()
    got = [client.post("/counters/hits/increment").get_json() for _ in range(3)]
    assert got == [{"name": "hits", "value": v} for v in (1, 2, 3)], (
        f"three POST /counters/hits/increment returned {got!r}; expected values 1, 2, 3"
    )
    resp = client.get("/counters/hits")
    assert resp.get_json() == {"name": "hits", "value": 3}, f"GET /counters/hits: {show(resp)}"
    resp = client.get("/counters/never")
    assert resp.status_code == 200 and resp.get_json() == {"name": "never", "value": 0}, (
        f"GET of a counter never touched returned {show(resp)}; expected value 0"
    )


@pytest.mark.task(1)
def test_two_instances_on_one_store_share_their_counters(tmp_path: Path) -> None:
    url = store(tmp_path / "shared.db")
    one, two = create_app(url).test_client(), create_app(url).test_client()
    one.post("/counters/hits/increment")
    two.post("/counters/hits/increment")
    got = one.get("/counters/hits").get_json()
    assert got == {"name": "hits", "value": 2}, (
        f"after one increment on each of two instances sharing {url}, instance one reads "
        f"{got!r}; expected 2 (state must live in the store, not in the process)"
    )


@pytest.mark.task(1)
def test_an_instance_started_later_sees_the_existing_state(tmp_path: Path) -> None:
    url = store(tmp_path / "c.db")
    first = create_app(url).test_client()
    first.put("/counters/visits", json={"value": 41})
    first.post("/counters/visits/increment")
    got = create_app(url).test_client().get("/counters/visits").get_json()
    assert got == {"name": "visits", "value": 42}, (
        f"a new instance on the same store read {got!r}; expected 42 (scale-out or restart "
        "must not lose state)"
    )


@pytest.mark.task(1)
def test_instances_on_different_stores_share_nothing(tmp_path: Path) -> None:
    one = create_app(store(tmp_path / "one.db")).test_client()
    two = create_app(store(tmp_path / "two.db")).test_client()
    one.post("/counters/hits/increment")
    got = two.get("/counters/hits").get_json()
    assert got == {"name": "hits", "value": 0}, (
        f"an instance on another store read {got!r}; expected 0 (no module-level state)"
    )


# Two fresh interpreters build an instance on the same new database at the same moment, round
# after round. A hook on every SQLAlchemy engine waits a little before any CREATE statement, so
# that both instances have looked for the table before either creates it: the race that made a
# Gunicorn worker fail to boot becomes certain instead of occasional.
RACE_CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from sqlalchemy import event
from sqlalchemy.engine import Engine

@event.listens_for(Engine, "before_cursor_execute")
def widen_the_race(conn, cursor, statement, parameters, context, executemany):
    if statement.lstrip().upper().startswith("CREATE"):
        time.sleep(0.05)

from horizontal_scaling.app import create_app

print("READY", flush=True)
for line in sys.stdin:
    url = line.strip()
    sys.stdin.readline()  # "go": both instances start together
    try:
        resp = create_app(url).test_client().post("/counters/boot/increment")
        out = {"status": resp.status_code}
    except Exception as exc:
        out = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    print("RESULT " + json.dumps(out), flush=True)
"""
RACE_ROUNDS = 8


def read_marked(proc: subprocess.Popen, marker: str) -> str:
    """The next stdout line starting with ``marker`` (other output of the app is skipped)."""
    while True:
        line = proc.stdout.readline()
        if not line:
            err = Path(proc.args[-1]).with_suffix(".err")
            pytest.fail(f"an instance process exited (code {proc.poll()}) before answering:\n"
                        f"{err.read_text(errors='replace')[-1500:] if err.exists() else ''}")
        if line.startswith(marker):
            return line[len(marker):].strip()


@pytest.mark.task(1)
@pytest.mark.timeout(60)
def test_two_instances_starting_at_once_on_a_new_store_both_serve(
    kata_tree: Path, tmp_path: Path
) -> None:
    procs: list[subprocess.Popen] = []
    try:
        for n in range(2):
            err = (tmp_path / f"instance-{n}.err").open("wb")
            procs.append(subprocess.Popen(
                [sys.executable, "-c", RACE_CHILD, str(kata_tree), str(tmp_path / f"instance-{n}")],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, text=True,
                cwd=tmp_path, start_new_session=True,
            ))
            err.close()
        for proc in procs:
            read_marked(proc, "READY")
        for round_ in range(RACE_ROUNDS):
            url = store(tmp_path / f"new-{round_}.db")
            for proc in procs:
                proc.stdin.write(url + "\n")
                proc.stdin.flush()
            for proc in procs:  # both are waiting: release them together
                proc.stdin.write("go\n")
            for proc in procs:
                proc.stdin.flush()
            results = [json.loads(read_marked(proc, "RESULT ")) for proc in procs]
            assert results == [{"status": 200}, {"status": 200}], (
                f"round {round_ + 1}: two processes called create_app({url!r}) at the same moment "
                f"on a new database and got {results!r}; expected both to serve (200). Creating "
                "the table must not fail because the other instance created it a moment before: "
                "create_all() checks, then creates; CREATE TABLE IF NOT EXISTS decides in the "
                "database"
            )
            value = create_app(url).test_client().get("/counters/boot").get_json()
            assert value == {"name": "boot", "value": 2}, (
                f"round {round_ + 1}: after one increment from each instance, the counter reads "
                f"{value!r}; expected 2"
            )
    finally:
        for proc in procs:
            with contextlib.suppress(OSError):
                proc.stdin.close()
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
            proc.stdout.close()


@pytest.mark.task(1)
def test_put_replaces_and_delete_resets_a_counter(tmp_path: Path) -> None:
    client = create_app(store(tmp_path / "c.db")).test_client()
    resp = client.put("/counters/big", json={"value": 2**62})
    assert resp.status_code == 200 and resp.get_json() == {"name": "big", "value": 2**62}, (
        f"PUT /counters/big {{'value': 2**62}} returned {show(resp)}"
    )
    resp = client.delete("/counters/big")
    assert resp.status_code == 204, f"DELETE /counters/big returned {show(resp)}; expected 204"
    got = client.get("/counters/big").get_json()
    assert got == {"name": "big", "value": 0}, f"GET after DELETE returned {got!r}; expected 0"


@pytest.mark.task(1)
@pytest.mark.parametrize("value", [2**63 - 1, -(2**63), 0, -1],
                         ids=["value 2**63 - 1", "value -2**63", "value 0", "value -1"])
def test_put_accepts_every_64_bit_value_up_to_both_ends(tmp_path: Path, value: int) -> None:
    client = create_app(store(tmp_path / "c.db")).test_client()
    resp = client.put("/counters/edge", json={"value": value})
    assert resp.status_code == 200 and resp.get_json() == {"name": "edge", "value": value}, (
        f"PUT /counters/edge {{'value': {value}}} returned {show(resp)}; expected 200 (a 64-bit "
        "int, both ends included)"
    )
    got = client.get("/counters/edge").get_json()
    assert got == {"name": "edge", "value": value}, f"GET after that PUT returned {got!r}"


GOOD_NAMES = ["a" * 64, "a", "0", "top-10_scores"]


@pytest.mark.task(1)
@pytest.mark.parametrize("name", GOOD_NAMES,
                         ids=["64 characters", "name a", "name 0", "top-10_scores"])
def test_names_of_1_to_64_allowed_characters_are_accepted(tmp_path: Path, name: str) -> None:
    client = create_app(store(tmp_path / "c.db")).test_client()
    resp = client.post(f"/counters/{name}/increment")
    assert resp.status_code == 200 and resp.get_json() == {"name": name, "value": 1}, (
        f"POST /counters/{name[:20]}.../increment ({len(name)} characters) returned "
        f"{show(resp)}; expected 200"
    )


BAD_NAMES = ["a" * 65, "UPPER", "semi;colon", "dröp", " ", "x'--", "a.b"]


@pytest.mark.task(1)
@pytest.mark.parametrize("name", BAD_NAMES, ids=["65 characters", "UPPER", "semi;colon",
                                                 "non-ASCII letter", "a space",
                                                 "quote and SQL comment", "a.b"])
def test_bad_counter_names_get_400_json(tmp_path: Path, name: str) -> None:
    client = create_app(store(tmp_path / "c.db")).test_client()
    path = f"/counters/{quote(name, safe='')}"
    assert_json_error(client.post(path + "/increment"), 400, f"POST {path[:40]}/increment")
    assert_json_error(client.get(path), 400, f"GET {path[:40]}")
    assert_json_error(client.put(path, json={"value": 1}), 400, f"PUT {path[:40]}")
    assert_json_error(client.delete(path), 400, f"DELETE {path[:40]}")


BAD_BODIES = [
    pytest.param(b"not json", "application/json", 400, id="invalid JSON"),
    pytest.param(b"[1]", "application/json", 400, id="a JSON array"),
    pytest.param(b'"5"', "application/json", 400, id="a JSON string"),
    pytest.param(b"value=5", "application/x-www-form-urlencoded", 400, id="form data"),
    pytest.param(b'{"value": 5}', "text/plain", 400, id="JSON sent as text/plain"),
    pytest.param(b"", None, 400, id="no body at all"),
    pytest.param(b'{"value": true}', "application/json", 422, id="value true"),
    pytest.param(b'{"value": "5"}', "application/json", 422, id="value '5'"),
    pytest.param(b'{"value": 1.5}', "application/json", 422, id="value 1.5"),
    pytest.param(b'{"value": 9223372036854775808}', "application/json", 422, id="value 2**63"),
    pytest.param(b'{"value": -9223372036854775809}', "application/json", 422,
                 id="value -2**63 - 1"),
    pytest.param(b"{}", "application/json", 422, id="no value"),
]


@pytest.mark.task(1)
@pytest.mark.parametrize("payload, content_type, status", BAD_BODIES)
def test_put_with_a_bad_body_is_rejected_with_json(tmp_path: Path, payload: bytes,
                                                   content_type: str | None, status: int) -> None:
    client = create_app(store(tmp_path / "c.db")).test_client()
    resp = client.put("/counters/x", data=payload, content_type=content_type)
    assert_json_error(resp, status, f"PUT /counters/x {payload!r} as {content_type}")
    got = client.get("/counters/x").get_json()
    assert got == {"name": "x", "value": 0}, f"a rejected PUT still changed the counter: {got!r}"


WRONG_METHODS = [
    pytest.param("POST", "/counters/x", {"DELETE", "GET", "HEAD", "OPTIONS", "PUT"},
                 id="POST /counters/x"),
    pytest.param("GET", "/counters/x/increment", {"OPTIONS", "POST"},
                 id="GET /counters/x/increment"),
    pytest.param("DELETE", "/health", {"GET", "HEAD", "OPTIONS"}, id="DELETE /health"),
]


@pytest.mark.task(1)
@pytest.mark.parametrize("method, path, allowed", WRONG_METHODS)
def test_a_wrong_method_is_a_json_405_that_keeps_its_allow_header(
    tmp_path: Path, method: str, path: str, allowed: set[str]
) -> None:
    resp = create_app(store(tmp_path / "c.db")).test_client().open(path, method=method)
    assert_json_error(resp, 405, f"{method} {path}")
    got = {m.strip() for m in resp.headers.get("Allow", "").split(",") if m.strip()}
    assert got == allowed, (
        f"{method} {path} answered 405 with Allow {resp.headers.get('Allow')!r}; expected "
        f"{', '.join(sorted(allowed))} (RFC 9110 requires Allow on a 405; a JSON error handler "
        "that builds a new response drops it)"
    )


@pytest.mark.task(1)
def test_health_answers_ok_and_create_app_refuses_an_empty_url(tmp_path: Path) -> None:
    resp = create_app(store(tmp_path / "c.db")).test_client().get("/health")
    assert resp.status_code == 200 and resp.get_json() == {"status": "ok", "pid": os.getpid()}, (
        f"GET /health returned {show(resp)}; expected 200 with status ok and this process's pid"
    )
    call_refuses(ValueError, "store_url", create_app, "")


# Task 2 — round robin and health checks


@pytest.mark.task(2)
def test_round_robin_visits_backends_in_order(tmp_path: Path) -> None:
    backends = fakes("a", "b", "c")
    client = Client(LoadBalancer(backends))
    got = [who(client.get(f"/r/{i}")) for i in range(6)]
    assert got == ["a", "b", "c", "a", "b", "c"], (
        f"six GETs through LoadBalancer(a, b, c) went to {got!r} (X-Backend); "
        "expected a, b, c, a, b, c"
    )
    assert [p for _, p in backends["b"].attempts] == ["/r/1", "/r/4"], (
        f"backend b saw {backends['b'].attempts!r}; expected /r/1 and /r/4"
    )


def validated_call(lb: LoadBalancer, environ: dict, what: str) -> tuple[str, bytes]:
    """Call the balancer under wsgiref's validator; return the status line and the body."""
    seen: dict = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, headers
        return lambda data: None

    with warnings.catch_warnings():
        warnings.simplefilter("error", WSGIWarning)
        try:
            result = validator(lb)(environ, start_response)
            body = b"".join(result)
            result.close()
        except (AssertionError, WSGIWarning) as exc:
            pytest.fail(f"wsgiref.validate rejected the LoadBalancer's answer to {what}: {exc}")
    return seen["status"], body


@pytest.mark.task(2)
def test_the_balancer_is_itself_a_valid_wsgi_app() -> None:
    lb = LoadBalancer(fakes("a"))
    environ = EnvironBuilder(path="/x", method="PUT", data=b"payload").get_environ()
    status, body = validated_call(lb, environ, "PUT /x")
    assert status.startswith("200"), f"PUT /x through the balancer: {status!r}"
    assert json.loads(body) == {"backend": "a", "body": "payload"}, (
        f"PUT /x with body b'payload' reached the backend as {body!r}"
    )


@pytest.mark.task(2)
def test_the_balancers_own_errors_are_valid_wsgi_too() -> None:
    backends = fakes("a")
    backends["a"].down = True
    lb = LoadBalancer(backends, max_fails=1)
    status, _ = validated_call(lb, EnvironBuilder(path="/x").get_environ(), "GET /x (a is down)")
    assert status.startswith("502"), f"GET /x with every backend down started {status!r}"
    status, _ = validated_call(lb, EnvironBuilder(path="/x").get_environ(),
                               "GET /x (no healthy backend)")
    assert status.startswith("503"), f"GET /x with no healthy backend started {status!r}"


@pytest.mark.task(2)
def test_check_health_evicts_a_failing_backend_and_traffic_skips_it() -> None:
    backends = fakes("a", "b", "c")
    backends["b"].down = True
    backends["c"].health = 503
    lb = LoadBalancer(backends)
    report = lb.check_health()
    assert report == {"a": True, "b": False, "c": False}, (
        f"check_health() returned {report!r}; expected a healthy, b (raises) and c (503) not"
    )
    client = Client(lb)
    got = [who(client.get("/")) for _ in range(3)]
    assert got == ["a", "a", "a"], f"with only a healthy, GETs went to {got!r}"
    assert backends["b"].attempts == [] and backends["c"].attempts == [], (
        "an evicted backend still received requests"
    )


@pytest.mark.task(2)
def test_round_robin_skips_an_evicted_backend_and_keeps_the_order() -> None:
    backends = fakes("a", "b", "c", "d")
    backends["b"].down = True
    lb = LoadBalancer(backends)
    lb.check_health()
    got = [who(Client(lb).get(f"/r/{i}")) for i in range(6)]
    assert got == ["a", "c", "d", "a", "c", "d"], (
        f"with b evicted, six GETs through LoadBalancer(a, b, c, d) went to {got!r}; expected "
        "a, c, d, a, c, d (the next healthy one after the last, in order)"
    )


@pytest.mark.task(2)
def test_check_health_readmits_a_backend_that_recovered() -> None:
    backends = fakes("a", "b")
    lb = LoadBalancer(backends)
    backends["b"].down = True
    lb.check_health()
    backends["b"].down = False
    report = lb.check_health()
    assert report == {"a": True, "b": True}, f"check_health() after recovery returned {report!r}"
    got = sorted(who(Client(lb).get("/")) for _ in range(4))
    assert got == ["a", "a", "b", "b"], (
        f"after b recovered, four GETs went to {got!r}; expected b back in the rotation"
    )


@pytest.mark.task(2)
def test_healthy_lists_the_admitted_backends_in_their_order() -> None:
    backends = fakes("c", "a", "b")
    lb = LoadBalancer(backends)
    assert lb.healthy == ["c", "a", "b"], (
        f"LoadBalancer(c, a, b).healthy is {lb.healthy!r} before any check; expected every "
        "backend, in the order given"
    )
    backends["a"].down = True
    lb.check_health()
    assert lb.healthy == ["c", "b"], (
        f"after check_health() found a down, healthy is {lb.healthy!r}; expected ['c', 'b']"
    )
    backends["a"].down = False
    lb.check_health()
    assert lb.healthy == ["c", "a", "b"], (
        f"after a recovered, healthy is {lb.healthy!r}; expected ['c', 'a', 'b']"
    )


@pytest.mark.task(2)
def test_no_healthy_backend_gives_503_json() -> None:
    backends = fakes("a", "b")
    for fake in backends.values():
        fake.down = True
    lb = LoadBalancer(backends)
    lb.check_health()
    resp = Client(lb).get("/anything")
    assert_json_error(resp, 503, "GET with every backend evicted")
    assert who(resp) is None, (
        f"the balancer's own 503 carries X-Backend {who(resp)!r}; no backend answered it"
    )


BAD_CONFIGS = [
    pytest.param({}, {}, ValueError, "backends", id="no backends"),
    pytest.param({"a": "fake"}, {"strategy": "random"}, ValueError, "strategy",
                 id="strategy random"),
    pytest.param({"a": "http://not-a-wsgi-app"}, {}, TypeError, "'a'",
                 id="a URL, not a WSGI app"),
    pytest.param({"a": "fake"}, {"max_fails": 0}, ValueError, "max_fails", id="max_fails 0"),
    pytest.param({"a": "fake"}, {"max_fails": -1}, ValueError, "max_fails", id="max_fails -1"),
    pytest.param({"a": "fake"}, {"max_fails": 2.5}, TypeError, "max_fails", id="max_fails 2.5"),
    pytest.param({"a": "fake"}, {"max_fails": True}, TypeError, "max_fails",
                 id="max_fails True"),
    pytest.param({"a": "fake"}, {"max_fails": "3"}, TypeError, "max_fails", id="max_fails '3'"),
    pytest.param({"": "fake"}, {}, TypeError, "''", id="an empty backend name"),
    pytest.param({7: "fake"}, {}, TypeError, "7", id="a backend name that is not a str"),
]


def call_refuses(error, fragment: str, func, /, *args, **kwargs) -> BaseException:
    """``call_raises``, and the message must say what was wrong (name the bad thing)."""
    raised = call_raises(error, func, *args, **kwargs)
    assert fragment in str(raised), (
        f"{describe_call(func, args, kwargs)} raised {type(raised).__name__}({str(raised)!r}); "
        f"the message should say what was wrong, naming {fragment}"
    )
    return raised


@pytest.mark.task(2)
@pytest.mark.parametrize("backends, kwargs, error, fragment", BAD_CONFIGS)
def test_the_balancer_refuses_a_bad_configuration(backends: dict, kwargs: dict, error,
                                                  fragment: str) -> None:
    backends = {name: Fake(name) if app == "fake" else app for name, app in backends.items()}
    call_refuses(error, fragment, LoadBalancer, backends, **kwargs)


# Task 3 — failures, passive eviction and retries


@pytest.mark.task(3)
def test_a_get_that_meets_a_dead_backend_is_retried_and_no_request_is_lost() -> None:
    backends = fakes("a", "b", "c")
    backends["b"].down = True  # died after the last health check
    lb = LoadBalancer(backends)
    client = Client(lb)
    resps = [client.get(f"/r/{i}") for i in range(12)]
    codes = [r.status_code for r in resps]
    assert codes == [200] * 12, f"twelve GETs with b dead returned {codes!r}; expected all 200"
    assert "b" not in [who(r) for r in resps]
    assert len(backends["b"].attempts) == 3, (
        f"dead backend b was tried {len(backends['b'].attempts)} times in 12 GETs; expected 3 "
        "(max_fails=3 failures in a row evict it), then no more until check_health()"
    )
    assert lb.healthy == ["a", "c"], f"after b failed 3 times in a row, healthy is {lb.healthy!r}"
    served = sorted(p for f in backends.values() for _, p, _ in f.served)
    assert served == sorted(f"/r/{i}" for i in range(12)), f"the backends served {served!r}"


@pytest.mark.task(3)
def test_an_application_error_is_relayed_and_evicts_no_one() -> None:
    backends = fakes("a", "b", "c")
    for fake in backends.values():
        fake.status = 500  # a bug in the app: every copy has it
    lb = LoadBalancer(backends)
    client = Client(lb)
    for n in range(6):
        resp = client.get("/bug")
        assert resp.status_code == 500, (
            f"GET /bug number {n + 1}, with every backend answering 500, returned {show(resp)}; "
            "expected the application's 500, relayed as it is"
        )
    tries = {name: len(f.attempts) for name, f in backends.items()}
    assert tries == {"a": 2, "b": 2, "c": 2}, (
        f"six GETs that each got a 500 reached the backends {tries!r} times; expected 2 each "
        "(one try per request, in turn: a 500 is the app's answer, not a dead backend, so it is "
        "not retried)"
    )
    assert lb.healthy == ["a", "b", "c"], (
        f"after six 500 answers, healthy is {lb.healthy!r}; expected every backend. A bug in "
        "one URL must not empty the pool"
    )
    assert who(client.get("/ok")) in ("a", "b", "c")


@pytest.mark.task(3)
def test_a_relayed_answer_keeps_its_status_headers_and_body() -> None:
    backends = fakes("a", "b")
    backends["a"].status = 404
    resp = Client(LoadBalancer(backends)).get("/missing")
    assert resp.status_code == 404 and who(resp) == "a", (
        f"GET /missing with a answering 404 returned {show(resp)} from {who(resp)!r}; expected "
        "a's 404, not retried"
    )
    assert json.loads(resp.get_data()) == {"backend": "a", "body": ""}, (
        f"the relayed body was {resp.get_data()!r}"
    )
    assert backends["b"].attempts == [], "a 404 was retried on b"


@pytest.mark.task(3)
def test_a_retried_put_carries_its_body_again() -> None:
    backends = fakes("a", "b")
    backends["a"].down = True
    resp = Client(LoadBalancer(backends)).put("/counters/x", json={"value": 7})
    assert resp.status_code == 200 and who(resp) == "b", f"PUT with a dead: {show(resp)}"
    assert backends["b"].served == [("PUT", "/counters/x", b'{"value": 7}')], (
        f"backend b received {backends['b'].served!r}; expected the PUT with its JSON body"
    )


RETRIED = [(method, status) for method in ("GET", "HEAD", "PUT", "DELETE", "OPTIONS")
           for status in (502, 503, 504)]


@pytest.mark.task(3)
@pytest.mark.parametrize("method, status", RETRIED,
                         ids=[f"{method} after {status}" for method, status in RETRIED])
def test_idempotent_methods_are_retried_after_a_gateway_status(method: str, status: int) -> None:
    backends = fakes("a", "b")
    backends["a"].status = status
    lb = LoadBalancer(backends)
    resp = Client(lb).open("/x", method=method)
    assert resp.status_code == 200 and who(resp) == "b", (
        f"{method} /x with a answering {status} returned {show(resp)} from {who(resp)!r}; "
        "expected a retry on b"
    )
    assert lb.healthy == ["a", "b"], (
        f"one {status} from a left healthy = {lb.healthy!r}; expected a still in (one failure "
        "is not max_fails=3 in a row)"
    )


@pytest.mark.task(3)
def test_only_failures_in_a_row_evict_and_any_other_answer_resets_the_count() -> None:
    fake = Fake("a")
    lb = LoadBalancer({"a": fake})
    client = Client(lb)

    def send(status: int, n: int) -> None:
        fake.status = status
        for _ in range(n):
            client.get("/x")

    send(503, 2)
    send(500, 1)  # an answer that is not a failure: the count starts again
    send(503, 2)
    assert lb.healthy == ["a"], (
        f"after 2 failures, a 500, then 2 failures (max_fails=3), healthy is {lb.healthy!r}; "
        "expected ['a']: only failures in a row count"
    )
    send(504, 1)
    assert lb.healthy == [], (
        f"after 3 failures in a row (503, 503, 504), healthy is {lb.healthy!r}; expected []"
    )
    attempts = len(fake.attempts)
    assert_json_error(client.get("/x"), 503, "GET with the only backend evicted")
    assert len(fake.attempts) == attempts, "an evicted backend still received a request"
    fake.status = 200
    lb.check_health()
    send(503, 2)
    assert lb.healthy == ["a"], (
        f"check_health() re-admitted a, then 2 failures: healthy is {lb.healthy!r}; expected "
        "['a'] (re-admission starts the count again from 0)"
    )
    send(503, 1)
    assert lb.healthy == [], (
        f"after re-admission and 3 failures in a row, healthy is {lb.healthy!r}; expected []"
    )


@pytest.mark.task(3)
@pytest.mark.parametrize("max_fails", [1, 2, 5], ids=["max_fails 1", "max_fails 2", "max_fails 5"])
def test_max_fails_failures_in_a_row_evict_and_one_fewer_does_not(max_fails: int) -> None:
    fake = Fake("a")
    fake.down = True
    lb = LoadBalancer({"a": fake}, max_fails=max_fails)
    client = Client(lb)
    for n in range(max_fails - 1):
        client.get("/x")
        assert lb.healthy == ["a"], (
            f"LoadBalancer(max_fails={max_fails}): after {n + 1} failure(s) healthy is "
            f"{lb.healthy!r}; expected ['a']"
        )
    client.get("/x")
    assert lb.healthy == [], (
        f"LoadBalancer(max_fails={max_fails}): after {max_fails} failures in a row healthy is "
        f"{lb.healthy!r}; expected []"
    )


@pytest.mark.task(3)
@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_a_non_idempotent_request_is_not_retried_and_gets_502(method: str) -> None:
    backends = fakes("a", "b")
    backends["a"].down = True
    resp = Client(LoadBalancer(backends)).open("/counters/x/increment", method=method)
    assert_json_error(resp, 502, f"{method} to a dead backend")
    assert backends["b"].attempts == [], (
        f"the {method} was re-sent to b ({backends['b'].attempts!r}); it must not be retried, "
        "it may already have been applied"
    )


@pytest.mark.task(3)
@pytest.mark.parametrize("status", [502, 503, 504],
                         ids=["answered 502", "answered 503", "answered 504"])
def test_a_post_that_gets_a_gateway_status_is_relayed_not_retried(status: int) -> None:
    backends = fakes("a", "b")
    backends["a"].status = status
    lb = LoadBalancer(backends, max_fails=1)
    resp = Client(lb).post("/counters/x/increment", data=b"once")
    assert resp.status_code == status and who(resp) == "a", (
        f"POST with a answering {status} returned {show(resp)} from {who(resp)!r}; expected "
        f"a's own {status}, relayed (the backend answered: its answer goes back as it is)"
    )
    assert json.loads(resp.get_data()) == {"backend": "a", "body": "once"}, (
        f"the relayed body was {resp.get_data()!r}; expected a's body"
    )
    assert backends["b"].attempts == [], f"the POST was re-sent to b: {backends['b'].attempts!r}"
    assert lb.healthy == ["b"], (
        f"with max_fails=1, a's {status} to a POST left healthy = {lb.healthy!r}; expected "
        "['b'] (it still counts as a failure)"
    )


@pytest.mark.task(3)
def test_when_every_backend_fails_a_get_ends_with_502_after_one_try_each() -> None:
    backends = fakes("a", "b", "c")
    for fake in backends.values():
        fake.status = 503
    resp = Client(LoadBalancer(backends)).get("/x")
    assert_json_error(resp, 502, "GET with every backend answering 503")
    tries = {name: len(f.attempts) for name, f in backends.items()}
    assert tries == {"a": 1, "b": 1, "c": 1}, f"attempts per backend: {tries!r}; expected 1 each"


BAD_LENGTHS = [
    pytest.param("abc", 400, id="'abc'"),
    pytest.param("-5", 400, id="'-5'"),
    pytest.param("1e3", 400, id="'1e3'"),
    pytest.param("+5", 400, id="'+5'"),
    pytest.param("９", 400, id="full-width 9"),
    pytest.param("2097152", 413, id="twice max_body"),
    pytest.param("10", 400, id="10 for a 5-byte body"),
]


def put_with_length(lb: LoadBalancer, length: str, body: bytes):
    environ = EnvironBuilder(path="/x", method="PUT", data=body).get_environ()
    environ["CONTENT_LENGTH"] = length
    environ["wsgi.input"] = io.BytesIO(body)
    return Client(lambda env, sr: lb(environ, sr)).get("/")


@pytest.mark.task(3)
@pytest.mark.parametrize("length, status", BAD_LENGTHS)
def test_a_bad_content_length_is_refused_before_any_backend(length: str, status: int) -> None:
    backends = fakes("a")
    lb = LoadBalancer(backends, max_body=1 << 20)
    resp = put_with_length(lb, length, b"short")
    assert_json_error(resp, status, f"PUT with Content-Length {length!r} and a 5-byte body")
    assert backends["a"].attempts == [], "a malformed request reached a backend"


@pytest.mark.task(3)
def test_the_default_body_limit_is_one_mebibyte() -> None:
    backends = fakes("a")
    lb = LoadBalancer(backends)
    body = b"x" * (1 << 20)
    resp = put_with_length(lb, str(len(body)), body)
    assert resp.status_code == 200, (
        f"PUT with a body of exactly MAX_BODY = 1 MiB (the default) returned {show(resp)}"
    )
    resp = put_with_length(lb, str(len(body) + 1), body + b"x")
    assert_json_error(resp, 413, "PUT with a body of MAX_BODY + 1 bytes (the default limit)")


@pytest.mark.task(3)
def test_a_body_of_exactly_max_body_bytes_passes_and_one_more_is_413() -> None:
    backends = fakes("a")
    lb = LoadBalancer(backends, max_body=5)
    resp = put_with_length(lb, "5", b"12345")
    assert resp.status_code == 200, (
        f"PUT with a 5-byte body and max_body=5 returned {show(resp)}; expected 200 (the limit "
        "itself is allowed)"
    )
    assert backends["a"].served == [("PUT", "/x", b"12345")], f"a got {backends['a'].served!r}"
    resp = put_with_length(lb, "6", b"123456")
    assert_json_error(resp, 413, "PUT with a 6-byte body and max_body=5")


# Task 4 — least connections


@pytest.mark.task(4)
def test_least_connections_sends_work_to_the_least_busy_backend() -> None:
    backends = fakes("a", "b")
    lb = LoadBalancer(backends, strategy="least_connections")
    client = Client(lb)
    backends["a"].release.clear()
    backends["b"].release.clear()
    threads: list[threading.Thread] = []
    results: list = []

    def send(path: str) -> None:
        thread = threading.Thread(target=lambda: results.append(client.get(path)), daemon=True)
        thread.start()
        threads.append(thread)

    try:
        for path, backend in [("/1", "a"), ("/2", "b"), ("/3", "a")]:
            send(path)
            assert backends[backend].entered.acquire(timeout=3), (
                f"GET {path} did not reach backend {backend} (least connections, ties go to the "
                f"first backend); in flight: {lb.in_flight!r}"
            )
        backends["b"].release.set()
        threads[1].join(timeout=3)
        assert lb.in_flight == {"a": 2, "b": 0}, f"in_flight is {lb.in_flight!r}"
        got = [who(client.get(f"/{i}")) for i in range(4, 7)]
        assert got == ["b", "b", "b"], (
            f"with a holding 2 requests and b none, three GETs went to {got!r}; expected b each "
            "time"
        )
    finally:
        backends["a"].release.set()
        backends["b"].release.set()
        for thread in threads:
            thread.join(timeout=5)
    assert lb.in_flight == {"a": 0, "b": 0}, f"after all answered, in_flight is {lb.in_flight!r}"


@pytest.mark.task(4)
def test_in_flight_counts_come_back_to_zero_after_failures() -> None:
    backends = fakes("a", "b")
    lb = LoadBalancer(backends, strategy="least_connections")
    client = Client(lb)
    backends["a"].down = True
    client.get("/x")
    client.post("/y")
    backends["a"].down = False
    lb.check_health()
    assert lb.in_flight == {"a": 0, "b": 0}, (
        f"after a GET and a POST that met a dead backend, in_flight is {lb.in_flight!r}"
    )
    got = [who(client.get("/z")) for _ in range(2)]
    assert got == ["a", "a"], (
        f"with nothing in flight, GETs went to {got!r}; expected the first backend, a"
    )


# Task 5 — over real Gunicorn backends


def other_free_port(taken: int) -> int:
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port != taken:
            return port


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # the group we created: stray workers included
    proc.wait(timeout=5)


@pytest.fixture
def gunicorn(kata_tree: Path, tmp_path: Path) -> Iterator[Callable[[int, str], subprocess.Popen]]:
    started: list[subprocess.Popen] = []

    def start(port: int, store_url: str) -> subprocess.Popen:
        env = {k: v for k, v in os.environ.items() if k not in ("GUNICORN_CMD_ARGS", "PORT")}
        env.update(STORE_URL=store_url, WEB_CONCURRENCY="1")
        log = tmp_path / f"gunicorn-{port}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--chdir", str(kata_tree),
                 "--bind", f"127.0.0.1:{port}", "--workers", "1", *NO_CONTROL_SOCKET,
                 "horizontal_scaling.wsgi:app"],
                env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, cwd=tmp_path,
            )
        started.append(proc)
        return proc

    try:
        yield start
    finally:
        for proc in started:
            stop(proc)


def wait_healthy(backend: HttpBackend, proc: subprocess.Popen, tmp_path: Path) -> None:
    deadline = time.monotonic() + BOOT_DEADLINE
    probe = LoadBalancer({"probe": backend})
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            logs = "\n".join(p.read_text(errors="replace")[-1500:]
                             for p in tmp_path.glob("gunicorn-*.log"))
            pytest.fail(f"gunicorn for {backend.url} exited with {proc.returncode}:\n{logs}")
        if probe.check_health() == {"probe": True}:
            return
        time.sleep(0.05)
    pytest.fail(f"{backend.url}/health did not answer 200 within {BOOT_DEADLINE:g} s")


class EchoHandler(BaseHTTPRequestHandler):
    """A tiny real HTTP server: answers 201 with what it received, plus hop-by-hop headers."""

    protocol_version = "HTTP/1.1"

    def do_any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        payload = json.dumps({
            "method": self.command, "target": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body.decode("latin-1"),
        }).encode()
        self.send_response(201, "Created")
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Echo", "yes")
        self.send_header("Keep-Alive", "timeout=5")
        self.send_header("Connection", "close")
        self.send_header("Upgrade", "h2c")
        self.send_header("Proxy-Authenticate", "Basic")
        if self.path.startswith("/chunked"):  # the body in chunks: http.client decodes them
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            half = len(payload) // 2
            for piece in (payload[:half], payload[half:]):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
            return
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_any

    def log_message(self, *args) -> None:  # keep the test output clean
        pass


@pytest.fixture
def echo_server(free_port: int) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", free_port), EchoHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{free_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.mark.task(5)
def test_http_backend_forwards_method_path_query_headers_and_body(echo_server: str) -> None:
    backend = HttpBackend(echo_server, timeout=5)
    resp = Client(backend).put(
        "/echo/items", query_string="x=1&y=two%20words", data=b'{"value": 7}',
        headers={"X-Api-Key": "k-123", "Accept-Language": "fr", "Content-Type": "application/json"},
    )
    assert resp.status_code == 201, (
        f"PUT through HttpBackend to a server answering 201 returned {show(resp)}; expected the "
        "server's 201, relayed"
    )
    try:
        seen = json.loads(resp.get_data())
    except ValueError:
        pytest.fail(f"HttpBackend relayed the body {resp.get_data()[:200]!r}; expected the "
                    "server's JSON unchanged")
    assert (seen["method"], seen["target"]) == ("PUT", "/echo/items?x=1&y=two%20words"), (
        f"the server received {seen['method']} {seen['target']!r}; expected PUT "
        "'/echo/items?x=1&y=two%20words' (the same method, path and query string)"
    )
    sent = {name: seen["headers"].get(name) for name in ("x-api-key", "accept-language",
                                                          "content-type")}
    assert sent == {"x-api-key": "k-123", "accept-language": "fr",
                    "content-type": "application/json"}, (
        f"the server received the headers {sent!r}; expected X-Api-Key, Accept-Language and "
        "Content-Type unchanged (WSGI spells them HTTP_X_API_KEY...: turn '_' back into '-')"
    )
    assert seen["body"] == '{"value": 7}', f"the server received the body {seen['body']!r}"


HOP_BY_HOP_NAMES = ("Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade",
                    "Proxy-Authenticate", "TE", "Proxy-Authorization")


@pytest.mark.task(5)
@pytest.mark.parametrize("path", ["/anything", "/chunked"],
                         ids=["a body with Content-Length", "a chunked body"])
def test_http_backend_relays_headers_but_not_hop_by_hop_ones(echo_server: str, path: str) -> None:
    resp = Client(HttpBackend(echo_server, timeout=5)).get(
        path, headers={"TE": "trailers", "Proxy-Authorization": "Basic c2VjcmV0"})
    assert resp.headers.get("X-Echo") == "yes", (
        f"the server's X-Echo header did not come through HttpBackend: {dict(resp.headers)!r}"
    )
    hop = [name for name in HOP_BY_HOP_NAMES if name in resp.headers]
    assert hop == [], (
        f"HttpBackend relayed the hop-by-hop header(s) {hop}; they describe one connection and "
        "must not be forwarded (WSGI forbids an app to set them)"
    )
    try:
        seen = json.loads(resp.get_data())
    except ValueError:
        pytest.fail(f"GET {path} through HttpBackend relayed the body {resp.get_data()[:200]!r};"
                    " expected the server's JSON, decoded")
    sent = [name for name in ("te", "proxy-authorization", "upgrade") if name in seen["headers"]]
    assert sent == [], (
        f"HttpBackend forwarded the client's hop-by-hop header(s) {sent} to the server; they "
        "belong to the client's connection, not to the next one"
    )


@pytest.mark.task(5)
def test_http_backend_raises_connection_error_when_nothing_listens(free_port: int) -> None:
    backend = HttpBackend(f"http://127.0.0.1:{free_port}", timeout=2)
    environ = EnvironBuilder(path="/health").get_environ()
    with expect_raises(ConnectionError, f"HttpBackend('http://127.0.0.1:{free_port}')(GET "
                                        "/health) with nothing listening"):
        backend(environ, lambda status, headers, exc_info=None: None)
    call_refuses(ValueError, "ftp://127.0.0.1:21", HttpBackend, "ftp://127.0.0.1:21")


@pytest.mark.task(5)
def test_http_backend_gives_up_after_its_timeout(free_port: int) -> None:
    silent = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    silent.bind(("127.0.0.1", free_port))
    silent.listen(8)  # connections are accepted by the kernel, and nobody ever answers
    try:
        backend = HttpBackend(f"http://127.0.0.1:{free_port}", timeout=0.3)
        environ = EnvironBuilder(path="/slow").get_environ()
        began = time.monotonic()
        with expect_raises(ConnectionError, "HttpBackend(..., timeout=0.3)(GET /slow) on a "
                                            "server that never answers"):
            backend(environ, lambda status, headers, exc_info=None: None)
        took = time.monotonic() - began
    finally:
        silent.close()
    assert took < 3, f"HttpBackend(timeout=0.3) took {took:.1f} s to give up; expected ~0.3 s"


@pytest.mark.task(5)
def test_wsgi_refuses_to_start_without_store_url(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    name = "horizontal_scaling.wsgi"
    monkeypatch.delenv("STORE_URL", raising=False)
    sys.modules.pop(name, None)  # import it afresh: it reads the environment at import
    try:
        with expect_raises(RuntimeError, f"import {name} without STORE_URL") as info:
            importlib.import_module(name)
        assert "STORE_URL" in str(info.value), (
            f"import {name} without STORE_URL raised RuntimeError({str(info.value)!r}); the "
            "message should name STORE_URL"
        )
        sys.modules.pop(name, None)
        monkeypatch.setenv("STORE_URL", store(tmp_path / "w.db"))
        module = importlib.import_module(name)
        resp = module.app.test_client().post("/counters/w/increment")
        assert resp.status_code == 200 and resp.get_json() == {"name": "w", "value": 1}, (
            f"{name}.app with STORE_URL set answered {show(resp)}"
        )
    finally:
        sys.modules.pop(name, None)


@pytest.mark.task(5)
@pytest.mark.timeout(60)
def test_two_gunicorn_backends_share_state_and_survive_one_dying(
    gunicorn: Callable[[int, str], subprocess.Popen], free_port: int, tmp_path: Path
) -> None:
    url = store(tmp_path / "shared.db")  # a new database: both instances create its table
    ports = {"a": free_port, "b": other_free_port(free_port)}
    procs = {name: gunicorn(port, url) for name, port in ports.items()}
    backends = {name: HttpBackend(f"http://127.0.0.1:{port}", timeout=5)
                for name, port in ports.items()}
    for name, backend in backends.items():
        wait_healthy(backend, procs[name], tmp_path)
    lb = LoadBalancer(backends)
    client = Client(lb)

    pids = {}
    for _ in range(2):
        resp = client.get("/health")
        pids[who(resp)] = resp.get_json().get("pid")
    assert len(set(pids.values())) == 2, f"GET /health through the balancer gave {pids!r}"

    values = [client.post("/counters/hits/increment").get_json() for _ in range(6)]
    assert values[-1] == {"name": "hits", "value": 6}, (
        f"six increments spread over two gunicorn processes returned {values!r}; the last "
        "should be 6 (the state must live in the shared store)"
    )

    stop(procs["a"])
    resp = client.post("/counters/hits/increment")  # round robin: a's turn, and a is gone
    assert_json_error(resp, 502, "POST to the stopped backend a")
    resp = client.get("/counters/hits")
    assert resp.status_code == 200 and resp.get_json() == {"name": "hits", "value": 6}, (
        f"GET after a stopped returned {show(resp)}; expected 6 from b (the failed POST must "
        "not have been retried)"
    )
    resp = client.put("/counters/hits", json={"value": 10})
    assert resp.status_code == 200 and who(resp) == "b", f"PUT after a stopped: {show(resp)}"
    report = lb.check_health()
    assert report == {"a": False, "b": True}, f"check_health() returned {report!r}"


# Task 6 — the Dockerfile


def dockerfile(kata_tree: Path) -> list[tuple[str, str]]:
    """The (INSTRUCTION, arguments) pairs of the final build stage."""
    path = kata_tree / "horizontal_scaling" / "Dockerfile"
    assert path.is_file(), f"{path} is missing"
    joined, pending = [], ""
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        joined.append(pending + stripped)
        pending = ""
    if pending:
        joined.append(pending)
    pairs = []
    for line in joined:
        word, _, rest = line.partition(" ")
        if word.upper() == "FROM":
            pairs = []  # only the last stage ends up in the image
        pairs.append((word.upper(), rest.strip()))
    return pairs


def exec_form(args: str) -> list[str] | None:
    try:
        value = json.loads(args)
    except ValueError:
        return None
    ok = isinstance(value, list) and value and all(isinstance(v, str) for v in value)
    return value if ok else None


@pytest.mark.task(6)
def test_dockerfile_starts_from_a_pinned_python_image(kata_tree: Path) -> None:
    pairs = dockerfile(kata_tree)
    image = next((rest.split()[0] for word, rest in pairs if word == "FROM"), "")
    name, _, tag = image.partition(":")
    assert name in ("python", "docker.io/library/python") and tag and tag != "latest", (
        f"the final stage starts FROM {image!r}; expected a pinned python image such as "
        "python:3.12-slim"
    )


@pytest.mark.task(6)
def test_dockerfile_runs_as_a_non_root_user(kata_tree: Path) -> None:
    pairs = dockerfile(kata_tree)
    users = [rest.split()[0] for word, rest in pairs if word == "USER" and rest]
    assert users, "the Dockerfile has no USER instruction: the container would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), f"the last USER is {users[-1]!r}; expected a non-root user"
    words = [word for word, _ in pairs]
    last_user = max(i for i, w in enumerate(words) if w == "USER")
    starts = [i for i, w in enumerate(words) if w in ("CMD", "ENTRYPOINT")]
    assert starts and last_user < max(starts), "USER must come before the CMD that starts the app"


@pytest.mark.task(6)
def test_dockerfile_starts_gunicorn_in_exec_form_on_all_interfaces(kata_tree: Path) -> None:
    pairs = dockerfile(kata_tree)
    starts = [(word, rest) for word, rest in pairs if word in ("CMD", "ENTRYPOINT")]
    assert starts, "the Dockerfile has no CMD or ENTRYPOINT"
    command: list[str] = []
    for word, rest in starts:
        args = exec_form(rest)
        assert args is not None, (
            f"{word} {rest} is in shell form; use the exec form [\"gunicorn\", ...] so that "
            "gunicorn is PID 1 and receives SIGTERM"
        )
        command = args if word == "ENTRYPOINT" else [*command, *args]
    assert "gunicorn" in command[:3], f"the container runs {command!r}; expected gunicorn"
    assert "horizontal_scaling.wsgi:app" in command, (
        f"the container runs {command!r}; expected the entry point horizontal_scaling.wsgi:app"
    )
    assert any("0.0.0.0:8000" in arg for arg in command), (
        f"the container runs {command!r}; expected a bind to 0.0.0.0:8000, reachable from outside"
    )
    exposed = [rest for word, rest in pairs if word == "EXPOSE"]
    assert any("8000" in rest.split() or "8000/tcp" in rest.split() for rest in exposed), (
        f"EXPOSE lines {exposed!r}; expected EXPOSE 8000"
    )


@pytest.mark.task(6)
def test_dockerfile_has_a_healthcheck_on_health(kata_tree: Path) -> None:
    pairs = dockerfile(kata_tree)
    checks = [rest for word, rest in pairs if word == "HEALTHCHECK"]
    assert checks, "the Dockerfile has no HEALTHCHECK"
    assert checks[-1].upper() != "NONE" and " CMD " in f" {checks[-1]} ".upper(), (
        f"HEALTHCHECK {checks[-1]!r}; expected HEALTHCHECK [options] CMD ..."
    )
    assert "/health" in checks[-1], f"HEALTHCHECK {checks[-1]!r} does not probe /health"
