"""Tests for the horizontal_scaling kata: a stateless app, a load balancer and a Dockerfile.

Backends are plain WSGI callables driven by the tests (threads and events, no sleeps). One test
starts two real Gunicorn processes sharing a SQLite file; each runs in its own process group and
is always stopped at teardown (SIGTERM, a bounded wait, then SIGKILL).
"""

from __future__ import annotations

import contextlib
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
from pathlib import Path
from urllib.parse import quote
from wsgiref.validate import WSGIWarning, validator

import pytest
from horizontal_scaling.app import create_app
from horizontal_scaling.balancer import HttpBackend, LoadBalancer
from werkzeug.test import Client, EnvironBuilder

BOOT_DEADLINE = 15.0


def store(path: Path) -> str:
    return f"sqlite:///{path}"


def show(resp) -> str:
    return f"{resp.status} {resp.get_data()[:200]!r}"


def assert_json_error(resp, status: int, what: str) -> None:
    assert resp.status_code == status, f"{what} returned {show(resp)}; expected {status}"
    try:
        body = json.loads(resp.get_data())
    except ValueError:
        body = None
    assert isinstance(body, dict) and body.get("message"), (
        f"{what} returned {show(resp)}; expected a JSON body with a 'message'"
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
@pytest.mark.parametrize("name", ["a" * 65, "UPPER", "semi;colon", "dröp", " ", "x'--"])
def test_bad_counter_names_get_400_json(tmp_path: Path, name: str) -> None:
    client = create_app(store(tmp_path / "c.db")).test_client()
    path = f"/counters/{quote(name, safe='')}"
    assert_json_error(client.post(path + "/increment"), 400, f"POST {path[:40]}/increment")
    assert_json_error(client.get(path), 400, f"GET {path[:40]}")


@pytest.mark.task(1)
@pytest.mark.parametrize("payload, status", [
    (b"not json", 400), (b"[1]", 400), (b'{"value": true}', 422), (b'{"value": "5"}', 422),
    (b'{"value": 1.5}', 422), (b'{"value": 9223372036854775808}', 422), (b"{}", 422),
])
def test_put_with_a_bad_body_is_rejected_with_json(tmp_path: Path, payload: bytes,
                                                   status: int) -> None:
    client = create_app(store(tmp_path / "c.db")).test_client()
    resp = client.put("/counters/x", data=payload, content_type="application/json")
    assert_json_error(resp, status, f"PUT /counters/x {payload!r}")
    got = client.get("/counters/x").get_json()
    assert got == {"name": "x", "value": 0}, f"a rejected PUT still changed the counter: {got!r}"


@pytest.mark.task(1)
def test_health_answers_ok_and_create_app_refuses_an_empty_url(tmp_path: Path) -> None:
    resp = create_app(store(tmp_path / "c.db")).test_client().get("/health")
    assert resp.status_code == 200 and resp.get_json().get("status") == "ok", (
        f"GET /health returned {show(resp)}; expected 200 with status ok"
    )
    with pytest.raises(ValueError):
        create_app("")


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


@pytest.mark.task(2)
def test_the_balancer_is_itself_a_valid_wsgi_app() -> None:
    lb = LoadBalancer(fakes("a"))
    environ = EnvironBuilder(path="/x", method="PUT", data=b"payload").get_environ()
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
            pytest.fail(f"wsgiref.validate rejected the LoadBalancer: {exc}")
    assert seen["status"].startswith("200"), f"PUT /x through the balancer: {seen['status']!r}"
    assert json.loads(body) == {"backend": "a", "body": "payload"}, (
        f"PUT /x with body b'payload' reached the backend as {body!r}"
    )


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
def test_no_healthy_backend_gives_503_json() -> None:
    backends = fakes("a", "b")
    for fake in backends.values():
        fake.down = True
    lb = LoadBalancer(backends)
    lb.check_health()
    resp = Client(lb).get("/anything")
    assert_json_error(resp, 503, "GET with every backend evicted")


@pytest.mark.task(2)
def test_the_balancer_refuses_a_bad_configuration() -> None:
    with pytest.raises(ValueError):
        LoadBalancer({})
    with pytest.raises(ValueError):
        LoadBalancer(fakes("a"), strategy="random")
    with pytest.raises(TypeError):
        LoadBalancer({"a": "http://not-a-wsgi-app"})


# Task 3 — retries: idempotent requests survive a dead backend


@pytest.mark.task(3)
def test_a_get_that_meets_a_dead_backend_is_retried_and_no_request_is_lost() -> None:
    backends = fakes("a", "b", "c")
    backends["b"].down = True  # died after the last health check
    client = Client(LoadBalancer(backends))
    resps = [client.get(f"/r/{i}") for i in range(6)]
    codes = [r.status_code for r in resps]
    assert codes == [200] * 6, f"six GETs with b dead returned {codes!r}; expected six 200s"
    assert "b" not in [who(r) for r in resps]
    assert len(backends["b"].attempts) == 1, (
        f"dead backend b was tried {len(backends['b'].attempts)} times; expected once, "
        "then evicted until check_health() re-admits it"
    )
    served = sorted(p for f in backends.values() for _, p, _ in f.served)
    assert served == [f"/r/{i}" for i in range(6)], f"the backends served {served!r}"


@pytest.mark.task(3)
def test_a_retried_put_carries_its_body_again() -> None:
    backends = fakes("a", "b")
    backends["a"].down = True
    resp = Client(LoadBalancer(backends)).put("/counters/x", json={"value": 7})
    assert resp.status_code == 200 and who(resp) == "b", f"PUT with a dead: {show(resp)}"
    assert backends["b"].served == [("PUT", "/counters/x", b'{"value": 7}')], (
        f"backend b received {backends['b'].served!r}; expected the PUT with its JSON body"
    )


@pytest.mark.task(3)
@pytest.mark.parametrize("method", ["DELETE", "HEAD", "OPTIONS"])
def test_other_idempotent_methods_are_retried_after_a_5xx(method: str) -> None:
    backends = fakes("a", "b")
    backends["a"].status = 500
    resp = Client(LoadBalancer(backends)).open("/x", method=method)
    assert resp.status_code == 200 and who(resp) == "b", (
        f"{method} /x with a answering 500 returned {show(resp)} from {who(resp)!r}; "
        "expected a retry on b"
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
def test_when_every_backend_fails_a_get_ends_with_502_after_one_try_each() -> None:
    backends = fakes("a", "b", "c")
    for fake in backends.values():
        fake.status = 503
    resp = Client(LoadBalancer(backends)).get("/x")
    assert_json_error(resp, 502, "GET with every backend answering 503")
    tries = {name: len(f.attempts) for name, f in backends.items()}
    assert tries == {"a": 1, "b": 1, "c": 1}, f"attempts per backend: {tries!r}; expected 1 each"


@pytest.mark.task(3)
@pytest.mark.parametrize("length, status", [("abc", 400), ("-5", 400), ("1e3", 400),
                                            ("2097152", 413), ("10", 400)])
def test_a_bad_content_length_is_refused_before_any_backend(length: str, status: int) -> None:
    backends = fakes("a")
    lb = LoadBalancer(backends, max_body=1 << 20)
    environ = EnvironBuilder(path="/x", method="PUT", data=b"short").get_environ()
    environ["CONTENT_LENGTH"] = length
    environ["wsgi.input"] = io.BytesIO(b"short")
    resp = Client(lambda env, sr: lb(environ, sr)).get("/")
    assert_json_error(resp, status, f"PUT with Content-Length {length!r} and a 5-byte body")
    assert backends["a"].attempts == [], "a malformed request reached a backend"


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
                 "--bind", f"127.0.0.1:{port}", "--workers", "1", "--no-control-socket",
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


@pytest.mark.task(5)
def test_http_backend_raises_connection_error_when_nothing_listens(free_port: int) -> None:
    backend = HttpBackend(f"http://127.0.0.1:{free_port}", timeout=2)
    environ = EnvironBuilder(path="/health").get_environ()
    with pytest.raises(ConnectionError):
        backend(environ, lambda status, headers, exc_info=None: None)
    with pytest.raises(ValueError):
        HttpBackend("ftp://127.0.0.1:21")


@pytest.mark.task(5)
@pytest.mark.timeout(60)
def test_two_gunicorn_backends_share_state_and_survive_one_dying(
    gunicorn: Callable[[int, str], subprocess.Popen], free_port: int, tmp_path: Path
) -> None:
    url = store(tmp_path / "shared.db")
    create_app(url)  # create the schema once, before two processes race to do it
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
