"""Tests for the resilience kata: TTL + LRU cache, circuit breaker, retries, health and metrics."""

from __future__ import annotations

import math
import random
import threading
import time

import pytest
from kata_support import call_raises, describe_call, expect_raises
from prometheus_client.parser import text_string_to_metric_families
from resilience import (
    CircuitBreaker,
    CircuitOpenError,
    State,
    TTLCache,
    backoff_delay,
    create_app,
    retry_call,
)


class FakeClock:
    """Time that moves only when a test says so; `sleep` records and advances."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class FixedRandom(random.Random):
    """A random source whose every draw is `fraction` of the way through the interval."""

    def __init__(self, fraction: float) -> None:
        super().__init__(0)
        self.fraction = fraction

    def random(self) -> float:
        return self.fraction

    def uniform(self, a: float, b: float) -> float:
        return a + (b - a) * self.fraction


class Boom(ConnectionError):
    pass


class Backend:
    """A dependency the tests can take down and bring back."""

    def __init__(self) -> None:
        self.up = True
        self.calls: list[int] = []
        self.items = {1: "one", 2: "two", 3: "three"}

    def fetch(self, item_id: int) -> str:
        self.calls.append(item_id)
        if not self.up:
            raise Boom("connection refused")
        return self.items[item_id]  # KeyError: no such item


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def service(clock):
    backend = Backend()
    probes: list[str] = []

    def database_check() -> bool:
        probes.append("database")
        return backend.up

    cache = TTLCache(maxsize=16, ttl=30.0, clock=clock)
    breaker = CircuitBreaker(failure_threshold=2, reset_timeout=10.0,
                             failure_types=(ConnectionError, TimeoutError), clock=clock)
    app = create_app(backend.fetch, {"database": database_check}, cache=cache, breaker=breaker)
    app.testing = True
    return app, backend, breaker, probes


def failing(exc: BaseException):
    def func(*args, **kwargs):
        raise exc
    func.__qualname__ = f"raise_{type(exc).__name__}"
    return func


def trip(breaker, exc: BaseException) -> None:
    """breaker.call() of a function that raises `exc`: the same exception must come out."""
    with expect_raises(type(exc), f"breaker.call(a function raising {type(exc).__name__}) "
                                  f"in state {breaker.state!r}"):
        breaker.call(failing(exc))


def call_refuses(error, parameter: str, func, /, *args, **kwargs) -> BaseException:
    """``call_raises``, and the message must name the bad parameter (never a bare TypeError())."""
    raised = call_raises(error, func, *args, **kwargs)
    call = describe_call(func, args, kwargs)
    assert parameter in str(raised), (
        f"{call} raised {type(raised).__name__}({str(raised)!r}); the message should name "
        f"the parameter {parameter!r} and say what was wrong with it"
    )
    return raised


def json_error(response, status: int, what: str) -> dict:
    """Check an error response: this status, a JSON body that is exactly {"error": "..."}."""
    text = response.get_data(as_text=True)[:300]
    assert response.status_code == status, (
        f"{what} returned {response.status_code} {text!r}; expected {status}"
    )
    body = response.get_json(silent=True)
    assert isinstance(body, dict) and set(body) == {"error"} and isinstance(body["error"], str) \
        and body["error"].strip(), (
        f"{what} returned the body {text!r} (Content-Type {response.content_type!r}); expected "
        'JSON {"error": "..."}'
    )
    return body


def scrape(client) -> dict[str, tuple[str, list]]:
    """GET /metrics, parsed by prometheus_client's parser: sample name -> (family type, samples)."""
    response = client.get("/metrics")
    assert response.status_code == 200, f"GET /metrics returned {response.status_code}"
    assert response.content_type.startswith("text/plain"), (
        f"GET /metrics has Content-Type {response.content_type!r}; expected text/plain (Prometheus)"
    )
    text = response.get_data(as_text=True)
    found: dict[str, tuple[str, list]] = {}
    try:
        families = list(text_string_to_metric_families(text))
    except ValueError as exc:
        pytest.fail(f"/metrics is not valid Prometheus text ({exc}):\n{text[:500]}")
    for family in families:
        for sample in family.samples:
            found.setdefault(sample.name, (family.type, []))[1].append(sample)
    return found


def value_of(metrics, name: str, **labels: str) -> float | None:
    _, samples = metrics.get(name, ("", []))
    for sample in samples:
        if all(sample.labels.get(k) == v for k, v in labels.items()):
            return sample.value
    return None


# --- Task 1 ------------------------------------------------------------------------------------


@pytest.mark.task(1)
def test_get_returns_what_set_stored_and_counts_hits_and_misses(clock):
    cache = TTLCache(maxsize=4, ttl=10.0, clock=clock)
    cache.set("a", 1)
    got = (cache.get("a"), cache.get("zzz"), cache.get("zzz", "fallback"))
    assert got == (1, None, "fallback"), f"get('a'), get('zzz'), get('zzz', 'fallback') -> {got!r}"
    assert (cache.hits, cache.misses) == (1, 2), (
        f"after 1 hit and 2 misses, hits/misses are {(cache.hits, cache.misses)}; expected (1, 2)"
    )
    cache.set("none", None)
    assert cache.get("none", "fallback") is None, "a cached None is a value, not a miss"


@pytest.mark.task(1)
def test_an_entry_expires_ttl_seconds_after_it_was_written_by_the_injected_clock(clock):
    cache = TTLCache(maxsize=4, ttl=10.0, clock=clock)
    cache.set("k", "v")
    clock.advance(5)
    assert cache.get("k") == "v", "an entry 5 s old (ttl 10 s) was gone"
    clock.advance(4.999)
    assert cache.get("k") == "v", "an entry 9.999 s old (ttl 10 s) was gone"
    clock.advance(0.001)
    got = cache.get("k", "expired")
    assert got == "expired", (
        f"10 s after set (ttl 10 s, fake clock) get returned {got!r}; expected the default. "
        "Reads must not extend the ttl, and time must come from the injected clock"
    )
    assert len(cache) == 0, f"len(cache) is {len(cache)} once the only entry expired; expected 0"


@pytest.mark.task(1)
def test_len_stops_counting_an_entry_at_the_moment_it_expires(clock):
    cache = TTLCache(maxsize=4, ttl=10.0, clock=clock)
    cache.set("old", 1)
    clock.advance(4)
    cache.set("new", 2)
    clock.advance(5.999)
    assert len(cache) == 2, f"len(cache) is {len(cache)} with entries 9.999 s and 5.999 s old"
    clock.advance(0.001)  # "old" is now exactly 10 s old: expired, although nobody read it
    assert len(cache) == 1, (
        f"len(cache) is {len(cache)} when one of two entries is exactly ttl seconds old; "
        "expected 1 (alive only while clock() < written_at + ttl)"
    )


@pytest.mark.task(1)
def test_a_full_cache_evicts_the_least_recently_used_entry(clock):
    cache = TTLCache(maxsize=3, ttl=100.0, clock=clock)
    for key in "abc":
        cache.set(key, key.upper())
    cache.get("a")          # recency now: b, c, a
    cache.set("d", "D")     # evicts b, the least recently used
    kept = {k for k in "abcd" if cache.get(k) is not None}
    assert kept == {"a", "c", "d"}, (
        f"maxsize=3: set a, b, c; get a; set d -> kept {sorted(kept)}; expected a, c, d "
        "(b was least recently used; evicting a would be FIFO, not LRU)"
    )
    for key in "acd":       # recency now: a, c, d
        cache.get(key)
    cache.set("a", "A2")    # an update counts as a use: recency c, d, a
    cache.set("e", "E")     # evicts c
    kept = {k for k in "acde" if cache.get(k) is not None}
    assert kept == {"a", "d", "e"}, f"after updating a and adding e, kept {sorted(kept)}"
    assert len(cache) == 3


@pytest.mark.task(1)
def test_overwriting_a_key_replaces_the_value_and_restarts_its_ttl(clock):
    cache = TTLCache(maxsize=2, ttl=10.0, clock=clock)
    cache.set("k", "old")
    clock.advance(8)
    cache.set("k", "new")
    clock.advance(8)
    got = cache.get("k")
    assert got == "new", f"set at t=0, set again at t=8, read at t=16 (ttl 10) -> {got!r}"


@pytest.mark.task(1)
@pytest.mark.parametrize(("maxsize", "ttl", "error", "bad"), [
    pytest.param(0, 10, ValueError, "maxsize", id="maxsize 0"),
    pytest.param(-1, 10, ValueError, "maxsize", id="maxsize -1"),
    pytest.param(2.5, 10, TypeError, "maxsize", id="maxsize 2.5"),
    pytest.param(2.0, 10, TypeError, "maxsize", id="maxsize 2.0 (a float)"),
    pytest.param(True, 10, TypeError, "maxsize", id="maxsize True"),
    pytest.param("3", 10, TypeError, "maxsize", id="maxsize '3'"),
    pytest.param(3, 0, ValueError, "ttl", id="ttl 0"),
    pytest.param(3, -1, ValueError, "ttl", id="ttl -1"),
    pytest.param(3, math.nan, ValueError, "ttl", id="ttl nan"),
    pytest.param(3, math.inf, ValueError, "ttl", id="ttl inf"),
    pytest.param(3, "10", TypeError, "ttl", id="ttl '10'"),
    pytest.param(3, True, TypeError, "ttl", id="ttl True"),
    pytest.param(3, None, TypeError, "ttl", id="ttl None"),
])
def test_bad_cache_parameters_are_rejected(maxsize, ttl, error, bad):
    call_refuses(error, bad, TTLCache, maxsize=maxsize, ttl=ttl)


@pytest.mark.task(1)
def test_the_smallest_valid_cache_holds_one_entry(clock):
    cache = TTLCache(maxsize=1, ttl=0.5, clock=clock)
    cache.set("a", 1)
    cache.set("b", 2)
    got = (cache.get("a", "evicted"), cache.get("b"))
    assert got == ("evicted", 2), (
        f"TTLCache(maxsize=1, ttl=0.5): set a, set b, then get a, get b -> {got!r}; expected "
        "('evicted', 2)"
    )
    clock.advance(0.25)
    assert cache.get("b") == 2, "an entry 0.25 s old (ttl 0.5 s) was gone"
    clock.advance(0.25)
    assert cache.get("b", "expired") == "expired", "an entry 0.5 s old (ttl 0.5 s) was alive"
    whole = TTLCache(maxsize=2, ttl=7, clock=clock)  # an int ttl is a number too
    whole.set("k", "v")
    assert whole.get("k") == "v", "TTLCache(maxsize=2, ttl=7) lost an entry at once"


@pytest.mark.task(1)
def test_an_unhashable_key_raises_type_error_and_changes_nothing(clock):
    cache = TTLCache(maxsize=2, ttl=10.0, clock=clock)
    cache.set("a", 1)
    for key in ([1, 2], {"x": 1}):
        call_raises(TypeError, cache.set, key, "value")
        call_raises(TypeError, cache.get, key)
    assert cache.get("a") == 1 and len(cache) == 1


# --- Task 2 ------------------------------------------------------------------------------------


@pytest.mark.task(2)
def test_get_or_load_calls_the_loader_once_per_key_until_the_entry_expires(clock):
    cache = TTLCache(maxsize=8, ttl=30.0, clock=clock)
    loads: list[str] = []

    def loader(key):
        loads.append(key)
        return f"value of {key}"

    results = [cache.get_or_load(k, loader) for k in ["u1", "u1", "u2", "u1", "u2"]]
    assert results == ["value of u1", "value of u1", "value of u2", "value of u1", "value of u2"]
    assert loads == ["u1", "u2"], (
        f"five get_or_load calls on keys u1, u1, u2, u1, u2 loaded {loads}; expected ['u1', 'u2']"
    )
    assert (cache.hits, cache.misses) == (3, 2)
    clock.advance(30)
    cache.get_or_load("u1", loader)
    assert loads == ["u1", "u2", "u1"], "after the ttl passed, get_or_load must load again"


@pytest.mark.task(2)
def test_a_failing_loader_caches_nothing_and_the_next_call_tries_again(clock):
    cache = TTLCache(maxsize=8, ttl=30.0, clock=clock)
    with expect_raises(Boom, "cache.get_or_load('k', a loader raising Boom)"):
        cache.get_or_load("k", failing(Boom("db down")))
    assert cache.get("k", "absent") == "absent", "a failed load left something in the cache"
    got = cache.get_or_load("k", lambda key: "recovered")
    assert got == "recovered", f"the load after a failure returned {got!r}; expected 'recovered'"


@pytest.mark.task(2)
def test_concurrent_callers_for_one_key_share_a_single_load(clock):
    cache = TTLCache(maxsize=8, ttl=30.0, clock=clock)
    started, release = threading.Event(), threading.Event()
    loads: list[str] = []
    results: list[object] = []

    def slow_loader(key):
        loads.append(key)
        started.set()
        release.wait(2)
        return "loaded"

    def caller():
        results.append(cache.get_or_load("hot", slow_loader))

    first = threading.Thread(target=caller, daemon=True)
    first.start()
    assert started.wait(2), "the first get_or_load never called the loader"
    others = [threading.Thread(target=caller, daemon=True) for _ in range(3)]
    for thread in others:
        thread.start()
    time.sleep(0.1)  # give the other callers time to (wrongly) start loading too
    release.set()
    for thread in [first, *others]:
        thread.join(2)
    assert results == ["loaded"] * 4, f"the four callers got {results!r}"
    assert loads == ["hot"], (
        f"4 concurrent get_or_load('hot') calls ran the loader {len(loads)} times; expected once "
        "(callers arriving during a load should wait for it: no cache stampede)"
    )


@pytest.mark.task(2)
def test_callers_waiting_for_a_load_that_fails_are_not_left_waiting(clock):
    cache = TTLCache(maxsize=8, ttl=30.0, clock=clock)
    started, release = threading.Event(), threading.Event()
    outcomes: dict[str, object] = {}

    def failing_loader(key):
        started.set()
        release.wait(2)
        raise Boom("the database went away")

    def first():
        try:
            outcomes["first"] = cache.get_or_load("k", failing_loader)
        except Boom as exc:
            outcomes["first"] = exc

    def second():
        try:
            outcomes["second"] = cache.get_or_load("k", lambda key: "loaded by the second caller")
        except Boom as exc:
            outcomes["second"] = exc

    one = threading.Thread(target=first, daemon=True)
    one.start()
    assert started.wait(2), "the first get_or_load never called the loader"
    two = threading.Thread(target=second, daemon=True)
    two.start()
    time.sleep(0.1)  # the second caller is now waiting for the first one's load
    release.set()
    one.join(2)
    two.join(2)
    assert isinstance(outcomes.get("first"), Boom), (
        f"the caller whose loader raised got {outcomes.get('first')!r}; expected the Boom itself"
    )
    assert not two.is_alive(), (
        "a caller that was waiting for a load that then failed is still waiting 2 s later; "
        "it must be woken up (with that error, or to load the key itself)"
    )
    assert isinstance(outcomes.get("second"), Boom) or (
        outcomes.get("second") == "loaded by the second caller"), (
        f"the waiting caller got {outcomes.get('second')!r}; expected the first load's Boom or "
        "its own loader's value"
    )


# --- Task 3 ------------------------------------------------------------------------------------


def open_call(breaker, what: str) -> CircuitOpenError:
    """breaker.call() that must fail fast with CircuitOpenError, without calling the function."""
    calls: list[str] = []
    with expect_raises(CircuitOpenError, f"breaker.call(...) {what}") as caught:
        breaker.call(lambda: calls.append("called"))
    assert calls == [], f"breaker.call(...) {what} called the function; it must fail fast"
    return caught.value


@pytest.mark.task(3)
def test_the_breaker_opens_after_n_consecutive_failures(clock):
    breaker = CircuitBreaker(failure_threshold=3, reset_timeout=10.0, clock=clock)
    for _ in range(2):
        trip(breaker, Boom())
    assert breaker.call(lambda: "ok") == "ok"
    for _ in range(2):
        trip(breaker, Boom())
    assert breaker.state == State.CLOSED, (
        f"2 failures, a success, 2 failures (threshold 3): state is {breaker.state!r}; expected "
        "closed — a success resets the count of consecutive failures"
    )
    trip(breaker, Boom())
    assert breaker.state == State.OPEN, f"after 3 consecutive failures state is {breaker.state!r}"


@pytest.mark.task(3)
def test_a_threshold_of_one_opens_on_the_first_failure(clock):
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout=0.5, clock=clock)
    trip(breaker, Boom())
    assert breaker.state == State.OPEN, (
        f"CircuitBreaker(failure_threshold=1) after one failure is {breaker.state!r}; expected open"
    )
    clock.advance(0.5)
    assert breaker.state == State.HALF_OPEN, (
        f"0.5 s after opening (reset_timeout=0.5) state is {breaker.state!r}; expected half_open"
    )


@pytest.mark.task(3)
def test_the_default_breaker_opens_after_5_failures_for_30_seconds(clock):
    breaker = CircuitBreaker(clock=clock)
    for _ in range(4):
        trip(breaker, Boom())
    assert breaker.state == State.CLOSED, (
        f"CircuitBreaker() after 4 failures is {breaker.state!r}; expected closed (the default "
        "failure_threshold is 5)"
    )
    trip(breaker, Boom())
    assert breaker.state == State.OPEN, (
        f"CircuitBreaker() after 5 failures is {breaker.state!r}; expected open"
    )
    clock.advance(29.9)
    assert breaker.state == State.OPEN, "CircuitBreaker() left 'open' before 30 s"
    clock.advance(0.1)
    assert breaker.state == State.HALF_OPEN, (
        f"CircuitBreaker() 30 s after opening is {breaker.state!r}; expected half_open (the "
        "default reset_timeout is 30.0)"
    )


@pytest.mark.task(3)
def test_an_open_breaker_fails_fast_without_calling_the_function(clock):
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout=10.0, clock=clock)
    trip(breaker, Boom())
    clock.advance(4)
    refused = open_call(breaker, "4 s after opening (reset_timeout 10)")
    assert refused.retry_after == pytest.approx(6.0), (
        f"opened at t=0 with reset_timeout 10, called at t=4: retry_after is "
        f"{refused.retry_after!r}; expected 6.0"
    )
    clock.advance(2.5)
    refused = open_call(breaker, "6.5 s after opening (reset_timeout 10)")
    assert refused.retry_after == pytest.approx(3.5), (
        f"opened at t=0 with reset_timeout 10, called at t=6.5: retry_after is "
        f"{refused.retry_after!r}; expected 3.5"
    )
    clock.advance(3.25)
    refused = open_call(breaker, "9.75 s after opening (reset_timeout 10)")
    assert refused.retry_after == pytest.approx(0.25), (
        f"opened at t=0 with reset_timeout 10, called at t=9.75: retry_after is "
        f"{refused.retry_after!r}; expected 0.25 (the seconds left, not rounded)"
    )
    clock.advance(0.249)
    assert breaker.state == State.OPEN, "the breaker left 'open' before reset_timeout passed"


@pytest.mark.task(3)
def test_after_the_reset_timeout_one_successful_trial_closes_the_breaker(clock):
    breaker = CircuitBreaker(failure_threshold=2, reset_timeout=10.0, clock=clock)
    for _ in range(2):
        trip(breaker, Boom())
    clock.advance(10)
    assert breaker.state == State.HALF_OPEN, (
        f"10 s after opening (reset_timeout 10, fake clock) state is {breaker.state!r}; "
        "expected half_open"
    )
    assert breaker.call(lambda x: x * 2, 21) == 42, "call must pass arguments and return the result"
    assert breaker.state == State.CLOSED, f"after a successful trial state is {breaker.state!r}"
    trip(breaker, Boom())
    assert breaker.state == State.CLOSED, "one failure after closing (threshold 2) reopened it"


@pytest.mark.task(3)
def test_a_failed_trial_opens_the_breaker_for_a_full_timeout_again(clock):
    breaker = CircuitBreaker(failure_threshold=2, reset_timeout=10.0, clock=clock)
    for _ in range(2):
        trip(breaker, Boom())
    clock.advance(15)
    trip(breaker, Boom("still down"))
    assert breaker.state == State.OPEN, f"after a failed trial state is {breaker.state!r}"
    clock.advance(9.9)
    open_call(breaker, "9.9 s after a failed trial (reset_timeout 10)")
    clock.advance(0.1)
    assert breaker.call(lambda: "back") == "back", (
        "10 s after the failed trial the breaker must allow a new trial"
    )


@pytest.mark.task(3)
def test_half_open_lets_only_one_trial_call_through_at_a_time(clock):
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout=5.0, clock=clock)
    trip(breaker, Boom())
    clock.advance(5)
    inner: list[object] = []

    def trial():
        # While this trial runs, a second caller arrives: it must be refused.
        try:
            inner.append(breaker.call(lambda: "second caller got through"))
        except CircuitOpenError as exc:
            inner.append(exc)
        return "trial ok"

    assert breaker.call(trial) == "trial ok"
    assert len(inner) == 1 and isinstance(inner[0], CircuitOpenError), (
        f"a call made during the half-open trial got {inner!r}; expected CircuitOpenError"
    )
    assert inner[0].retry_after == 0.0, (
        f"a call refused during the half-open trial got retry_after={inner[0].retry_after!r}; "
        "expected 0.0 (the trial may decide at any moment)"
    )
    assert breaker.state == State.CLOSED


@pytest.mark.task(3)
def test_exceptions_outside_failure_types_pass_through_and_do_not_count(clock):
    breaker = CircuitBreaker(failure_threshold=2, reset_timeout=10.0,
                             failure_types=(ConnectionError, TimeoutError), clock=clock)
    for _ in range(5):
        trip(breaker, KeyError("no such item"))
    assert breaker.state == State.CLOSED, (
        "5 KeyErrors with failure_types=(ConnectionError, TimeoutError) opened the breaker; "
        "a 'not found' says nothing about the dependency's health"
    )
    trip(breaker, TimeoutError())
    trip(breaker, Boom())
    assert breaker.state == State.OPEN


@pytest.mark.task(3)
def test_a_trial_that_raises_something_else_leaves_the_breaker_half_open(clock):
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout=5.0,
                             failure_types=(ConnectionError,), clock=clock)
    trip(breaker, Boom())
    clock.advance(5)
    trip(breaker, KeyError("no such item"))  # the trial: not a failure, not a success
    assert breaker.state == State.HALF_OPEN, (
        f"a half-open trial that raised KeyError (not in failure_types) left the state "
        f"{breaker.state!r}; expected half_open (no verdict)"
    )
    try:
        got = breaker.call(lambda: "second trial")
    except CircuitOpenError as exc:
        pytest.fail(f"after a trial that raised KeyError, the next call got {exc!r}; that trial "
                    "is over, so the next call is a new trial and must go through")
    assert got == "second trial" and breaker.state == State.CLOSED, (
        f"the second trial returned {got!r} and left the state {breaker.state!r}; expected "
        "'second trial' and closed"
    )


@pytest.mark.task(3)
@pytest.mark.parametrize(("threshold", "timeout", "error", "bad"), [
    pytest.param(0, 10, ValueError, "failure_threshold",
                 id="failure_threshold 0"),
    pytest.param(-2, 10, ValueError, "failure_threshold",
                 id="failure_threshold -2"),
    pytest.param(1.5, 10, TypeError, "failure_threshold",
                 id="failure_threshold 1.5"),
    pytest.param(True, 10, TypeError, "failure_threshold",
                 id="failure_threshold True"),
    pytest.param("3", 10, TypeError, "failure_threshold",
                 id="failure_threshold '3'"),
    pytest.param(3, 0, ValueError, "reset_timeout",
                 id="reset_timeout 0"),
    pytest.param(3, -5, ValueError, "reset_timeout",
                 id="reset_timeout -5"),
    pytest.param(3, math.nan, ValueError, "reset_timeout",
                 id="reset_timeout nan"),
    pytest.param(3, math.inf, ValueError, "reset_timeout",
                 id="reset_timeout inf"),
    pytest.param(3, True, TypeError, "reset_timeout",
                 id="reset_timeout True"),
    pytest.param(3, "30", TypeError, "reset_timeout",
                 id="reset_timeout '30'"),
])
def test_bad_breaker_parameters_are_rejected(threshold, timeout, error, bad):
    call_refuses(error, bad, CircuitBreaker, failure_threshold=threshold, reset_timeout=timeout)


# --- Task 4 ------------------------------------------------------------------------------------


@pytest.mark.task(4)
def test_backoff_delays_use_full_jitter_from_the_injected_rng():
    got = [backoff_delay(n, base=0.5, cap=8.0, rng=random.Random(1234)) for n in range(6)]
    # Each call above had its own Random(1234): its first draw, spread over that attempt's range.
    want = [random.Random(1234).uniform(0.0, min(8.0, 0.5 * 2**n)) for n in range(6)]
    assert got == pytest.approx(want), (
        f"backoff_delay(n, base=0.5, cap=8, rng=Random(1234)) for n=0..5 gave {got}; expected "
        f"{want} = rng.uniform(0, min(cap, base * 2**n))"
    )
    rng = random.Random(99)
    delays = [backoff_delay(3, base=1.0, cap=100.0, rng=rng) for _ in range(200)]
    assert len(set(delays)) > 150, "200 delays for one attempt were nearly all equal: no jitter"
    assert min(delays) < 2.0 and max(delays) > 6.0, (
        f"200 delays for attempt 3 (ceiling 8) spanned [{min(delays)}, {max(delays)}]; "
        "full jitter spreads them over the whole [0, 8]"
    )
    assert all(0.0 <= d <= 8.0 for d in delays), "a delay fell outside [0, 8]"


@pytest.mark.task(4)
def test_the_backoff_ceiling_doubles_then_stops_at_the_cap():
    top = [backoff_delay(n, base=0.25, cap=3.0, rng=FixedRandom(1.0)) for n in range(8)]
    want = [0.25, 0.5, 1.0, 2.0, 3.0, 3.0, 3.0, 3.0]
    assert top == pytest.approx(want), (
        f"with the rng at its maximum, delays for attempts 0..7 were {top}; expected {want}"
    )
    bottom = [backoff_delay(n, base=0.25, cap=3.0, rng=FixedRandom(0.0)) for n in range(8)]
    assert bottom == [0.0] * 8, f"with the rng at its minimum, delays were {bottom}; expected 0s"
    huge = backoff_delay(5000, base=0.25, cap=3.0, rng=FixedRandom(0.5))
    assert huge == pytest.approx(1.5), f"backoff_delay(5000, cap=3) at mid-range gave {huge!r}"


@pytest.mark.task(4)
def test_retry_call_sleeps_jittered_delays_and_returns_the_first_success():
    clock = FakeClock()
    outcomes = [Boom("1"), TimeoutError("2"), Boom("3"), "done"]

    def flaky():
        outcome = outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    got = retry_call(flaky, attempts=5, base=1.0, cap=3.0, sleep=clock.sleep,
                     rng=FixedRandom(0.5))
    assert got == "done", f"retry_call returned {got!r}; expected 'done'"
    assert clock.sleeps == pytest.approx([0.5, 1.0, 1.5]), (
        f"retry_call slept {clock.sleeps}; expected [0.5, 1.0, 1.5] "
        "(half of min(cap, base * 2**attempt) for attempts 0, 1, 2, from the injected rng)"
    )


@pytest.mark.task(4)
def test_retry_call_reraises_the_last_error_after_the_last_attempt():
    clock = FakeClock()
    errors = [Boom(f"failure {n}") for n in range(3)]
    calls = []

    def always_down():
        calls.append(1)
        raise errors[len(calls) - 1]

    with expect_raises(Boom, "retry_call(always_down, attempts=3, ...)") as caught:
        retry_call(always_down, attempts=3, base=0.1, cap=1.0, sleep=clock.sleep,
                   rng=random.Random(5))
    assert caught.value is errors[-1], (
        f"retry_call raised {caught.value!r}; expected the last error, {errors[-1]!r}"
    )
    assert len(calls) == 3, f"attempts=3 made {len(calls)} calls"
    assert len(clock.sleeps) == 2, (
        f"attempts=3 slept {len(clock.sleeps)} times; expected 2 (no sleep after the last try)"
    )
    assert all(0.0 <= d <= 1.0 for d in clock.sleeps)


@pytest.mark.task(4)
def test_errors_not_in_retry_on_are_raised_at_once_without_sleeping():
    clock = FakeClock()
    calls = []

    def bug():
        calls.append(1)
        raise ValueError("a bug, not an outage")

    with expect_raises(ValueError, "retry_call(a function raising ValueError, attempts=5)"):
        retry_call(bug, attempts=5, sleep=clock.sleep, rng=random.Random(1))
    assert (len(calls), clock.sleeps) == (1, []), (
        f"a ValueError (default retry_on) was tried {len(calls)} times with sleeps {clock.sleeps}"
    )


@pytest.mark.task(4)
@pytest.mark.parametrize(("kwargs", "error"), [
    pytest.param({"attempts": 0}, ValueError, id="attempts 0"),
    pytest.param({"attempts": -1}, ValueError, id="attempts -1"),
    pytest.param({"attempts": 2.0}, TypeError, id="attempts 2.0"),
    pytest.param({"attempts": True}, TypeError, id="attempts True"),
    pytest.param({"base": 0}, ValueError, id="base 0"),
    pytest.param({"base": -1.0}, ValueError, id="base -1.0"),
    pytest.param({"base": True}, TypeError, id="base True"),
    pytest.param({"cap": 0}, ValueError, id="cap 0"),
    pytest.param({"cap": math.nan}, ValueError, id="cap nan"),
    pytest.param({"cap": "5"}, TypeError, id="cap '5'"),
])
def test_bad_retry_parameters_are_rejected_before_calling(kwargs, error):
    calls = []

    def func():
        calls.append(1)
        return "called"

    (bad,) = kwargs
    call_refuses(error, bad, retry_call, func, sleep=FakeClock().sleep, rng=random.Random(1),
                 **kwargs)
    assert calls == [], f"retry_call(..., {kwargs}) called the function before rejecting"


@pytest.mark.task(4)
def test_retry_call_defaults_are_four_attempts_base_0_1_and_cap_5():
    clock = FakeClock()
    calls = []

    def always_down():
        calls.append(1)
        raise Boom(f"failure {len(calls)}")

    with expect_raises(Boom, "retry_call(always_down) with the default attempts, base and cap"):
        retry_call(always_down, sleep=clock.sleep, rng=FixedRandom(1.0))
    assert len(calls) == 4 and clock.sleeps == pytest.approx([0.1, 0.2, 0.4]), (
        f"retry_call with its defaults made {len(calls)} calls and slept {clock.sleeps}; "
        "expected 4 calls (attempts=4) and [0.1, 0.2, 0.4] (base=0.1, rng at its maximum)"
    )
    clock.sleeps.clear()
    outcomes = [Boom(), Boom(), "done"]

    def flaky():
        outcome = outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    got = retry_call(flaky, base=4.0, sleep=clock.sleep, rng=FixedRandom(1.0))
    assert got == "done" and clock.sleeps == pytest.approx([4.0, 5.0]), (
        f"retry_call(flaky, base=4.0) returned {got!r} after sleeping {clock.sleeps}; expected "
        "'done' after [4.0, 5.0] (the default cap is 5.0)"
    )


@pytest.mark.task(4)
def test_one_attempt_means_no_retry_and_no_sleep():
    clock = FakeClock()
    calls = []

    def down():
        calls.append(1)
        raise Boom("down")

    with expect_raises(Boom, "retry_call(down, attempts=1)"):
        retry_call(down, attempts=1, sleep=clock.sleep, rng=random.Random(1))
    assert (len(calls), clock.sleeps) == (1, []), (
        f"retry_call(down, attempts=1) made {len(calls)} calls and slept {clock.sleeps}; "
        "expected 1 call and no sleep"
    )


@pytest.mark.task(4)
def test_retry_around_a_breaker_recovers_on_the_fake_clock(clock):
    breaker = CircuitBreaker(failure_threshold=2, reset_timeout=1.5, clock=clock)
    outcomes = [Boom(), Boom(), "ok"]
    calls = []

    def dependency():
        calls.append(clock())
        outcome = outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    got = retry_call(lambda: breaker.call(dependency), attempts=5, base=1.0, cap=8.0,
                     retry_on=(ConnectionError, CircuitOpenError), sleep=clock.sleep,
                     rng=FixedRandom(1.0))
    assert got == "ok" and breaker.state == State.CLOSED
    assert clock.sleeps == [1.0, 2.0], f"slept {clock.sleeps}; expected [1.0, 2.0]"
    assert calls == [1000.0, 1001.0, 1003.0], f"the dependency was called at {calls}"


# --- Task 5 ------------------------------------------------------------------------------------


@pytest.mark.task(5)
def test_items_are_served_through_the_cache(service):
    app, backend, _, _ = service
    client = app.test_client()
    first, second = client.get("/items/1"), client.get("/items/1")
    for response in (first, second):
        assert response.status_code == 200 and response.get_json() == {"id": 1, "item": "one"}, (
            f"GET /items/1 returned {response.status_code} {response.get_data(as_text=True)!r}"
        )
    assert backend.calls == [1], f"two GET /items/1 fetched from the backend {backend.calls}"


@pytest.mark.task(5)
def test_an_empty_cache_passed_in_is_the_one_used(clock):
    cache = TTLCache(maxsize=4, ttl=30.0, clock=clock)  # empty, so len(cache) == 0
    app = create_app(lambda item_id: f"item {item_id}", {}, cache=cache)
    response = app.test_client().get("/items/7")
    assert response.status_code == 200, f"GET /items/7 returned {response.status_code}"
    got = cache.get(7, "not in the cache passed in")
    assert got == "item 7", (
        f"after GET /items/7, the cache passed to create_app(cache=...) holds {got!r}; expected "
        "'item 7'. An empty TTLCache is falsy (it has __len__), so `cache or TTLCache(...)` "
        "silently replaces it: test `cache is None`"
    )


@pytest.mark.task(5)
def test_missing_cache_and_breaker_get_the_documented_defaults(monkeypatch):
    made: list[dict] = []
    real = create_app.__globals__["TTLCache"]

    class RecordingCache(real):  # records the arguments of the default cache
        def __init__(self, *args, **kwargs):
            names = ["maxsize", "ttl", "clock"]
            made.append({**dict(zip(names, args, strict=False)), **kwargs})
            super().__init__(*args, **kwargs)

    # Patch the name where create_app looks it up: the globals of its own module.
    monkeypatch.setitem(create_app.__globals__, "TTLCache", RecordingCache)
    backend = Backend()
    backend.up = False
    app = create_app(backend.fetch, {})
    assert len(made) == 1 and {k: made[0].get(k) for k in ("maxsize", "ttl")} == {
        "maxsize": 1024, "ttl": 60.0}, (
        f"create_app without a cache built TTLCache with {made!r}; expected one "
        "TTLCache(maxsize=1024, ttl=60.0)"
    )
    client = app.test_client()
    for n in range(5):
        json_error(client.get("/items/1"), 503, f"GET /items/1, backend down (call {n + 1})")
    refused = client.get("/items/1")
    json_error(refused, 503, "GET /items/1 after 5 failures (default failure_threshold=5)")
    assert len(backend.calls) == 5, (
        f"the default breaker let {len(backend.calls)} calls reach a dead backend; expected it "
        "to open after 5 (failure_threshold=5)"
    )
    assert refused.headers.get("Retry-After") == "30", (
        f"the default breaker's Retry-After is {refused.headers.get('Retry-After')!r}; expected "
        "'30' (reset_timeout=30.0)"
    )


@pytest.mark.task(5)
def test_the_default_breaker_does_not_count_a_missing_item():
    def fetch(item_id):
        raise KeyError(item_id)

    client = create_app(fetch, {}).test_client()
    for n in range(7):
        json_error(client.get("/items/9"), 404, f"GET /items/9 (missing), try {n + 1}")


@pytest.mark.task(5)
def test_an_unknown_item_is_a_json_404_and_does_not_trip_the_breaker(service):
    app, _, breaker, _ = service
    client = app.test_client()
    for _ in range(3):
        json_error(client.get("/items/404"), 404, "GET /items/404")
    assert breaker.state == State.CLOSED, "three 404s opened the breaker"
    json_error(client.get("/items/not-a-number"), 404, "GET /items/not-a-number")
    json_error(client.get("/nowhere"), 404, "GET /nowhere")


@pytest.mark.task(5)
@pytest.mark.parametrize(("method", "path"), [
    pytest.param("POST", "/items/1", id="POST items"),
    pytest.param("DELETE", "/health", id="DELETE health"),
    pytest.param("PUT", "/ready", id="PUT ready"),
])
def test_a_wrong_method_is_a_json_405_that_keeps_its_allow_header(service, method, path):
    app, backend, _, _ = service
    response = app.test_client().open(path, method=method)
    json_error(response, 405, f"{method} {path}")
    allowed = {m.strip() for m in response.headers.get("Allow", "").split(",") if m.strip()}
    assert allowed == {"GET", "HEAD", "OPTIONS"}, (
        f"{method} {path} answered 405 with Allow {response.headers.get('Allow')!r}; expected "
        "the methods the route accepts, GET, HEAD, OPTIONS (RFC 9110: a 405 must carry Allow; "
        "a JSON error handler that builds a new response drops it)"
    )
    assert backend.calls == [], f"{method} {path} reached the backend: {backend.calls}"


@pytest.mark.task(5)
@pytest.mark.parametrize(("elapsed", "want"), [
    pytest.param(3.0, "7", id="7 s left"),
    pytest.param(3.5, "7", id="6.5 s left rounds up to 7"),
    pytest.param(3.8, "7", id="6.2 s left rounds up to 7"),
    pytest.param(9.7, "1", id="0.3 s left is at least 1"),
])
def test_a_down_dependency_gives_503_then_fails_fast_with_retry_after(service, clock, elapsed,
                                                                      want):
    app, backend, breaker, _ = service
    client = app.test_client()
    backend.up = False
    for _ in range(2):
        json_error(client.get("/items/2"), 503, "GET /items/2 with the backend down")
    assert breaker.state == State.OPEN
    calls_before = len(backend.calls)
    clock.advance(elapsed)
    refused = client.get("/items/2")
    json_error(refused, 503, f"GET /items/2 {elapsed} s after the breaker opened")
    assert refused.headers.get("Retry-After") == want, (
        f"with the breaker open ({10 - elapsed:g} s left) GET /items/2 had Retry-After "
        f"{refused.headers.get('Retry-After')!r}; expected {want!r} (whole seconds, rounded up, "
        "at least 1)"
    )
    assert len(backend.calls) == calls_before, "an open breaker still called the backend"
    backend.up = True
    clock.advance(10 - elapsed)
    back = client.get("/items/2")
    assert back.status_code == 200 and back.get_json() == {"id": 2, "item": "two"}, (
        f"GET /items/2 once the breaker half-opened and the backend was back returned "
        f"{back.status_code} {back.get_data(as_text=True)!r}"
    )


class Gate:
    """A fetch_item that holds every call until released, and counts the calls in flight."""

    fail = False  # raise Boom instead of answering, once released

    def __init__(self) -> None:
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.calls: list[int] = []
        self.entered = threading.Semaphore(0)

    def fetch(self, item_id: int) -> str:
        with self.lock:
            self.calls.append(item_id)
        self.entered.release()
        self.release.wait(3)
        if self.fail:
            raise Boom("still down")
        return f"item {item_id}"


def get_in_thread(app, path: str, results: dict) -> threading.Thread:
    def run() -> None:
        response = app.test_client().get(path)
        results[path] = (response.status_code, response.get_json(silent=True))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.mark.task(5)
def test_a_full_bulkhead_refuses_at_once_without_calling_the_dependency(clock):
    gate = Gate()
    cache = TTLCache(maxsize=16, ttl=30.0, clock=clock)
    cache.set(9, "cached nine")
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout=10.0,
                             failure_types=(Exception,), clock=clock)
    app = create_app(gate.fetch, {}, cache=cache, breaker=breaker, max_concurrent=2)
    results: dict = {}
    threads = []
    try:
        for item in (1, 2):  # two loads in flight: the bulkhead's limit
            threads.append(get_in_thread(app, f"/items/{item}", results))
            assert gate.entered.acquire(timeout=3), (
                f"GET /items/{item} never reached fetch_item with {item - 1} load(s) in flight "
                "and max_concurrent=2: a bulkhead of 2 must let 2 calls through"
            )
        refused = app.test_client().get("/items/3")
        json_error(refused, 503, "GET /items/3 with 2 loads in flight (max_concurrent=2)")
        assert refused.headers.get("Retry-After") == "1", (
            f"the bulkhead's 503 had Retry-After {refused.headers.get('Retry-After')!r}; "
            "expected '1'"
        )
        assert 3 not in gate.calls, "a request refused by the full bulkhead still called fetch_item"
        assert breaker.state == State.CLOSED, (
            f"a refusal by the bulkhead left the breaker {breaker.state!r}; expected closed (a "
            "full bulkhead says nothing about the dependency)"
        )
        hit = app.test_client().get("/items/9")
        assert hit.status_code == 200 and hit.get_json() == {"id": 9, "item": "cached nine"}, (
            f"GET /items/9 (cached) while the bulkhead was full returned {hit.status_code} "
            f"{hit.get_data(as_text=True)!r}; a cache hit needs no slot"
        )
    finally:
        gate.release.set()
        for thread in threads:
            thread.join(5)
    assert results == {"/items/1": (200, {"id": 1, "item": "item 1"}),
                       "/items/2": (200, {"id": 2, "item": "item 2"})}, (
        f"the two loads in flight answered {results!r}"
    )
    again = app.test_client().get("/items/3")
    assert again.status_code == 200, (
        f"GET /items/3 once the bulkhead had room again returned {again.status_code}; the slots "
        "must be given back after each load"
    )


@pytest.mark.task(5)
def test_a_request_during_the_half_open_trial_gets_503_with_retry_after_1(clock):
    gate = Gate()
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout=10.0,
                             failure_types=(ConnectionError,), clock=clock)
    app = create_app(gate.fetch, {}, cache=TTLCache(maxsize=8, ttl=30.0, clock=clock),
                     breaker=breaker)
    gate.fail = True
    gate.release.set()
    json_error(app.test_client().get("/items/1"), 503, "GET /items/1 with the backend down")
    assert breaker.state == State.OPEN
    gate.entered.acquire(timeout=1)  # that call's entry: the next one is the trial's
    clock.advance(10)
    gate.release.clear()
    gate.fail = False
    results: dict = {}
    trial = get_in_thread(app, "/items/2", results)  # the half-open trial, held by the gate
    try:
        assert gate.entered.acquire(timeout=3), "the half-open trial never reached fetch_item"
        refused = app.test_client().get("/items/3")
        json_error(refused, 503, "GET /items/3 while the half-open trial is running")
        assert refused.headers.get("Retry-After") == "1", (
            f"GET /items/3 during the trial had Retry-After {refused.headers.get('Retry-After')!r};"
            " expected '1' (retry_after 0.0, rounded up to at least 1)"
        )
    finally:
        gate.release.set()
        trial.join(5)
    assert results.get("/items/2") == (200, {"id": 2, "item": "item 2"}), (
        f"the trial GET /items/2 answered {results.get('/items/2')!r}"
    )


@pytest.mark.task(5)
def test_the_default_bulkhead_lets_10_loads_run_at_once(clock):
    gate = Gate()
    app = create_app(gate.fetch, {}, cache=TTLCache(maxsize=64, ttl=30.0, clock=clock))
    results: dict = {}
    threads = []
    try:
        for item in range(1, 11):
            threads.append(get_in_thread(app, f"/items/{item}", results))
            assert gate.entered.acquire(timeout=3), (
                f"GET /items/{item} never reached fetch_item with {item - 1} loads in flight; "
                "the default max_concurrent is 10"
            )
        json_error(app.test_client().get("/items/11"), 503,
                   "GET /items/11 with 10 loads in flight (default max_concurrent=10)")
    finally:
        gate.release.set()
        for thread in threads:
            thread.join(5)
    assert len(results) == 10 and all(status == 200 for status, _ in results.values()), (
        f"the 10 loads in flight answered {results!r}"
    )


@pytest.mark.task(5)
def test_callers_waiting_for_one_load_take_no_slot(clock):
    gate = Gate()
    app = create_app(gate.fetch, {}, cache=TTLCache(maxsize=8, ttl=30.0, clock=clock),
                     max_concurrent=1)
    results: dict = {}
    first = get_in_thread(app, "/items/5", results)
    try:
        assert gate.entered.acquire(timeout=3), "GET /items/5 never reached fetch_item"
        waiters = []
        for _ in range(2):  # the same key: these wait for the load in flight
            waiter_results: dict = {}
            waiters.append((get_in_thread(app, "/items/5", waiter_results), waiter_results))
        time.sleep(0.1)
    finally:
        gate.release.set()
    first.join(5)
    for thread, waiter_results in waiters:
        thread.join(5)
        assert waiter_results.get("/items/5") == (200, {"id": 5, "item": "item 5"}), (
            f"a GET /items/5 that arrived while /items/5 was loading got "
            f"{waiter_results.get('/items/5')!r}; expected to wait for that load (no slot "
            "needed) and get 200"
        )
    assert gate.calls == [5], f"fetch_item was called {gate.calls}; expected one load of 5"


@pytest.mark.task(5)
@pytest.mark.parametrize(("value", "error"), [
    pytest.param(0, ValueError, id="max_concurrent 0"),
    pytest.param(-3, ValueError, id="max_concurrent -3"),
    pytest.param(2.5, TypeError, id="max_concurrent 2.5"),
    pytest.param(True, TypeError, id="max_concurrent True"),
    pytest.param("8", TypeError, id="max_concurrent '8'"),
])
def test_a_bad_max_concurrent_is_rejected(value, error):
    call_refuses(error, "max_concurrent", create_app, lambda item_id: item_id, {},
                 max_concurrent=value)


@pytest.mark.task(5)
def test_health_is_200_even_while_the_dependency_is_down(service):
    app, backend, _, probes = service
    backend.up = False
    response = app.test_client().get("/health")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}, (
        f"GET /health with the database down returned {response.status_code}; expected 200 "
        "(liveness: the process runs; a restart would not fix the database)"
    )
    assert probes == [], f"/health ran the readiness checks {probes}; it must not"


@pytest.mark.task(5)
def test_ready_is_503_while_a_dependency_is_down_and_200_when_it_is_back(service):
    app, backend, _, probes = service
    client = app.test_client()
    backend.up = False
    down = client.get("/ready")
    assert down.status_code == 503, f"GET /ready with the database down -> {down.status_code}"
    assert down.get_json() == {"status": "unavailable", "checks": {"database": "down"}}, (
        f"GET /ready body was {down.get_json()!r}"
    )
    backend.up = True
    up = client.get("/ready")
    assert up.status_code == 200, f"GET /ready with the database back -> {up.status_code}"
    assert up.get_json() == {"status": "ready", "checks": {"database": "up"}}
    assert probes == ["database", "database"], "each /ready must run the checks afresh"


@pytest.mark.task(5)
def test_a_crashing_readiness_check_is_reported_down_without_leaking_its_error():
    def cache_check():
        raise ConnectionError("redis://:hunter2-S3cret@cache:6379 refused")

    app = create_app(lambda item_id: item_id, {"cache": cache_check, "disk": lambda: True})
    response = app.test_client().get("/ready")
    text = response.get_data(as_text=True)
    assert response.status_code == 503, f"a raising check gave GET /ready {response.status_code}"
    assert response.get_json()["checks"] == {"cache": "down", "disk": "up"}
    assert "hunter2" not in text, f"/ready leaked the check's error text: {text!r}"


# --- Task 6 ------------------------------------------------------------------------------------


@pytest.mark.task(6)
def test_metrics_are_prometheus_text_counting_requests_by_route_template_and_status(service):
    app, *_ = service
    client = app.test_client()
    for path in ["/items/1", "/items/2", "/items/3", "/items/999", "/health", "/health"]:
        client.get(path)
    metrics = scrape(client)
    kind, _ = metrics.get("http_requests_total", ("missing", []))
    assert kind == "counter", f"http_requests_total has type {kind!r}; expected counter"
    route = "/items/<int:item_id>"
    seen = {
        (s.labels.get("route"), s.labels.get("status")): s.value
        for s in metrics["http_requests_total"][1] if s.labels.get("method") == "GET"
    }
    for key, want in [((route, "200"), 3), ((route, "404"), 1), (("/health", "200"), 2)]:
        assert seen.get(key) == want, (
            f"http_requests_total{{method='GET', route={key[0]!r}, status={key[1]!r}}} is "
            f"{seen.get(key)!r}; expected {want}. Series seen: {seen}"
        )


@pytest.mark.task(6)
def test_unknown_paths_do_not_create_a_series_per_path(service):
    app, *_ = service
    client = app.test_client()
    for n in range(5):
        assert client.get(f"/wp-admin/{n}.php").status_code == 404
    metrics = scrape(client)
    routes = {s.labels.get("route") for s in metrics.get("http_requests_total", ("", []))[1]}
    assert not any(r and "wp-admin" in r for r in routes), (
        f"raw paths became label values: {sorted(filter(None, routes))}; an attacker can create "
        "unlimited series — label unmatched requests with one fixed route value"
    )
    got = value_of(metrics, "http_requests_total", route="unmatched", status="404")
    assert got == 5, (
        f"http_requests_total{{route='unmatched', status='404'}} is {got!r} after 5 requests "
        f"to unknown paths; expected 5. Routes seen: {sorted(filter(None, routes))}"
    )


@pytest.mark.task(6)
def test_cache_hits_and_misses_are_exposed_as_counters(service):
    app, *_ = service
    client = app.test_client()
    for path in ["/items/1", "/items/1", "/items/1", "/items/2"]:
        client.get(path)
    metrics = scrape(client)
    for name, want in [("cache_hits_total", 2), ("cache_misses_total", 2)]:
        kind = metrics.get(name, ("missing", []))[0]
        assert kind == "counter", f"{name} has type {kind!r}; expected counter"
        got = value_of(metrics, name)
        assert got == want, (
            f"after GET /items/1 x3 and /items/2, {name} is {got!r}; expected {want}"
        )


@pytest.mark.task(6)
def test_the_breaker_state_gauge_follows_the_breaker(service, clock):
    app, backend, _, _ = service
    client = app.test_client()

    def states() -> dict[str, float]:
        metrics = scrape(client)
        kind, samples = metrics.get("circuit_breaker_state", ("missing", []))
        assert kind == "gauge", f"circuit_breaker_state has type {kind!r}; expected gauge"
        return {s.labels.get("state"): s.value for s in samples}

    assert states() == {"closed": 1.0, "open": 0.0, "half_open": 0.0}
    backend.up = False
    client.get("/items/1")
    client.get("/items/2")
    assert states() == {"closed": 0.0, "open": 1.0, "half_open": 0.0}, (
        f"after two backend failures (threshold 2) the state gauge reads {states()}"
    )
    clock.advance(10)
    assert states() == {"closed": 0.0, "open": 0.0, "half_open": 1.0}


@pytest.mark.task(6)
def test_two_apps_do_not_share_metrics():
    first = create_app(lambda item_id: "a", {})
    second = create_app(lambda item_id: "b", {})
    for _ in range(3):
        first.test_client().get("/items/1")
    got = value_of(scrape(second.test_client()), "http_requests_total",
                   route="/items/<int:item_id>")
    assert got is None, (
        f"the second app reports {got} requests to /items/<int:item_id> made on the first app; "
        "give each app its own CollectorRegistry"
    )
    assert value_of(scrape(first.test_client()), "http_requests_total",
                    route="/items/<int:item_id>") == 3
