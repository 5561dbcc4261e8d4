"""Tests for the decorators kata."""

from __future__ import annotations

import asyncio
import hmac
import inspect
import logging
import math
from decimal import Decimal

import decorators
import pytest
from decorators import RateLimitExceeded, log_calls, rate_limit, require_api_key, retry, timed
from flask import Flask
from kata_support import call_raises, call_refuses, expect_raises


class FakeClock:
    """A clock the test moves by hand: ``clock()`` returns ``now``."""

    def __init__(self, *readings: float) -> None:
        self.readings = list(readings)
        self.now = 0.0

    def __call__(self) -> float:
        if self.readings:
            self.now = self.readings.pop(0)
        return self.now


class Flaky:
    """Raises the given exceptions one per call, then returns ``"ok"``; counts its calls."""

    def __init__(self, *errors: BaseException) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


class Spy:
    """A value that records every ``repr()`` of it."""

    def __init__(self, seen: list[str], name: str) -> None:
        self.seen, self.name = seen, name

    def __repr__(self) -> str:
        self.seen.append(self.name)
        return f"Spy({self.name!r})"


def messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records]


def timings_of(wrapped, what: str) -> list:
    """``wrapped.timings``, or a failure that says what the decorator returned instead."""
    timings = getattr(wrapped, "timings", None)
    if not isinstance(timings, list):
        pytest.fail(
            f"{what} has timings = {timings!r}; expected a list attribute on the wrapper",
            pytrace=False,
        )
    return timings


# --- Task 1: log_calls -------------------------------------------------------------------------


@pytest.mark.task(1)
def test_log_calls_logs_the_call_and_the_result(caplog):
    caplog.set_level(logging.DEBUG)

    @log_calls
    def add(a, b=0):
        return a + b

    got = add(2, b=3)
    assert got == 5, f"add(2, b=3) under @log_calls returned {got!r}; expected 5"
    want = ["calling add(2, b=3)", "add returned 5"]
    assert messages(caplog) == want, f"@log_calls logged {messages(caplog)!r}; expected {want!r}"
    levels = [r.levelno for r in caplog.records]
    assert levels == [logging.INFO, logging.INFO], f"log levels were {levels}; expected INFO twice"


@pytest.mark.task(1)
def test_log_calls_uses_the_logger_of_the_functions_module(caplog):
    caplog.set_level(logging.DEBUG)

    def hello():
        return "hi"

    hello.__module__ = "shop.views"  # as if hello were defined in shop/views.py
    log_calls(hello)()
    names = sorted({r.name for r in caplog.records})
    assert names == ["shop.views"], (
        f"log_calls(hello)() with hello.__module__ == 'shop.views' logged on the loggers "
        f"{names}; expected ['shop.views'], i.e. logging.getLogger(func.__module__)"
    )


@pytest.mark.task(1)
def test_log_calls_writes_nothing_to_stdout(caplog, capsys):
    caplog.set_level(logging.DEBUG)

    @log_calls
    def quiet():
        return None

    quiet()
    out = capsys.readouterr().out
    assert out == "", f"@log_calls printed {out!r}; it must log through `logging`, never print"
    assert messages(caplog), "@log_calls produced no log record at all"


@pytest.mark.task(1)
def test_log_calls_with_arguments_uses_the_given_logger_and_level(caplog):
    caplog.set_level(logging.DEBUG)
    audit = logging.getLogger("kata.audit")

    @log_calls(logger=audit, level=logging.DEBUG)
    def greet(name):
        return f"hello {name}"

    greet("Ada")
    got = [(r.name, r.levelno, r.getMessage()) for r in caplog.records]
    want = [
        ("kata.audit", logging.DEBUG, "calling greet('Ada')"),
        ("kata.audit", logging.DEBUG, "greet returned 'hello Ada'"),
    ]
    assert got == want, f"@log_calls(logger=audit, level=DEBUG) logged {got!r}; expected {want!r}"


@pytest.mark.task(1)
def test_log_calls_logs_and_reraises_the_same_exception(caplog):
    caplog.set_level(logging.DEBUG)
    boom = ValueError("bad input")

    @log_calls
    def explode():
        raise boom

    with expect_raises(ValueError, "explode() under @log_calls") as excinfo:
        explode()
    assert excinfo.value is boom, "@log_calls must re-raise the original exception object"
    want = ["calling explode()", "explode raised ValueError('bad input')"]
    assert messages(caplog) == want, f"@log_calls logged {messages(caplog)!r}; expected {want!r}"


@pytest.mark.task(1)
def test_log_calls_keeps_name_docstring_and_wrapped(caplog):
    def area(w, h):
        """Area of a rectangle."""
        return w * h

    wrapped = log_calls(area)
    got = (wrapped.__name__, wrapped.__doc__, getattr(wrapped, "__wrapped__", None))
    want = ("area", "Area of a rectangle.", area)
    assert got == want, (
        f"log_calls(area) has (__name__, __doc__, __wrapped__) = {got!r}; expected {want!r} "
        "(use functools.wraps)"
    )


@pytest.mark.task(1)
@pytest.mark.parametrize(
    ("call", "want"),
    [
        (lambda login: login("ada", password="hunter2"), "calling login('ada', password=***)"),
        (lambda login: login("ada", "hunter2"), "calling login('ada', ***)"),
        (
            lambda login: login(user="ada", password="hunter2"),
            "calling login(user='ada', password=***)",
        ),
    ],
    ids=["keyword", "positional", "both-by-keyword"],
)
def test_log_calls_never_logs_a_password(caplog, call, want):
    caplog.set_level(logging.DEBUG)

    @log_calls
    def login(user, password):
        return password == "hunter2"

    got = call(login)
    assert got is True, f"login(...) under @log_calls returned {got!r}; expected True"
    logged = messages(caplog)
    assert logged == [want, "login returned True"], (
        f"@log_calls logged {logged!r}; expected {[want, 'login returned True']!r}: a parameter "
        "named like a secret is logged as *** whether it was passed by position or by keyword"
    )


@pytest.mark.task(1)
def test_log_calls_redacts_every_parameter_whose_name_contains_a_secret_word(caplog):
    caplog.set_level(logging.DEBUG)

    @log_calls
    def connect(username, DB_PASSWORD, api_token, client_secret, private_key, amount, **extra):
        return "ok"

    connect(
        "ada",
        "pw1",
        "tok2",
        api_key="k3",
        client_secret="s4",
        private_key="p5",
        amount=7,
        session_token="t6",
    )
    want = (
        "calling connect('ada', ***, ***, api_key=***, client_secret=***, private_key=***, "
        "amount=7, session_token=***)"
    )
    got = messages(caplog)[:1]
    assert got == [want], (
        f"@log_calls logged {got!r}; expected [{want!r}]: a name is secret when it contains "
        "password, secret, token or key, in any case (DB_PASSWORD, api_token, session_token)"
    )


@pytest.mark.task(1)
def test_log_calls_names_extra_positional_arguments_after_star_args(caplog):
    caplog.set_level(logging.DEBUG)

    @log_calls
    def send(channel, *tokens):
        return len(tokens)

    send("alerts", "t-1", "t-2")
    want = "calling send('alerts', ***, ***)"
    got = messages(caplog)[:1]
    assert got == [want], (
        f"@log_calls logged {got!r}; expected [{want!r}]: extra positional arguments fill "
        "*tokens, a secret name"
    )


@pytest.mark.task(1)
def test_log_calls_redact_replaces_the_list_of_secret_words(caplog):
    caplog.set_level(logging.DEBUG)

    @log_calls(redact=["SSN"])
    def enrol(name, ssn, password):
        return "enrolled"

    enrol("ada", "123-45-6789", password="not-listed")
    want = "calling enrol('ada', ***, password='not-listed')"
    got = messages(caplog)[:1]
    assert got == [want], f"@log_calls(redact=['SSN']) logged {got!r}; expected [{want!r}]"


@pytest.mark.task(1)
def test_log_calls_logs_a_builtin_that_has_no_signature(caplog):
    caplog.set_level(logging.DEBUG)
    got = log_calls(max)(3, 7)
    assert got == 7, f"log_calls(max)(3, 7) returned {got!r}; expected 7"
    want = ["calling max(3, 7)", "max returned 7"]
    assert messages(caplog) == want, (
        f"log_calls(max)(3, 7) logged {messages(caplog)!r}; expected {want!r} "
        "(inspect.signature(max) raises ValueError: max has no parameter names)"
    )


@pytest.mark.task(1)
def test_log_calls_rejects_a_single_string_for_redact():
    call_refuses(TypeError, log_calls, redact="password")


@pytest.mark.task(1)
def test_log_calls_formats_nothing_when_the_level_is_disabled(caplog):
    caplog.set_level(logging.WARNING, logger="kata.quiet")
    seen: list[str] = []

    @log_calls(logger=logging.getLogger("kata.quiet"), level=logging.INFO)
    def store(item, *, note):
        return Spy(seen, "result")

    got = store(Spy(seen, "item"), note=Spy(seen, "note"))
    assert isinstance(got, Spy), f"store(...) under @log_calls returned {got!r}"
    assert seen == [], (
        f"with the logger at WARNING, @log_calls(level=INFO) still called repr() on {seen}; "
        "nothing is emitted, so nothing should be formatted (check log.isEnabledFor(level))"
    )
    assert messages(caplog) == [], f"a disabled level still logged {messages(caplog)!r}"


# --- Task 2: timed -----------------------------------------------------------------------------


@pytest.mark.task(2)
def test_timed_records_each_duration_from_the_injected_clock():
    clock = FakeClock(10.0, 12.5, 20.0, 20.25)

    @timed(clock=clock)
    def work(x):
        return x * 2

    results = [work(1), work(2)]
    assert results == [2, 4], f"work(1), work(2) under @timed returned {results}; expected [2, 4]"
    got = timings_of(work, "@timed(clock=...) def work")
    assert got == [2.5, 0.25], f"work.timings is {got!r}; expected [2.5, 0.25]"


@pytest.mark.task(2)
def test_timed_records_a_call_that_raised_and_lets_the_exception_through():
    clock = FakeClock(1.0, 4.0)
    missing = KeyError("missing")

    @timed(clock=clock)
    def fail():
        raise missing

    with expect_raises(KeyError, "fail() under @timed") as info:
        fail()
    assert info.value is missing, f"@timed raised {info.value!r}; expected the function's own error"
    got = timings_of(fail, "@timed(clock=...) def fail")
    assert got == [3.0], f"after one failing call, timings is {got!r}; expected [3.0]"


@pytest.mark.task(2)
def test_timed_works_without_parentheses_and_keeps_metadata():
    def job():
        """Does the job."""
        return 42

    wrapped = timed(job)
    got = wrapped()
    assert got == 42, f"timed(job)() returned {got!r}; expected 42"
    timings = timings_of(wrapped, "timed(job)")
    assert len(timings) == 1 and timings[0] >= 0, (
        f"after one call timed(job).timings is {timings!r}; expected one duration >= 0"
    )
    meta = (wrapped.__name__, wrapped.__doc__, getattr(wrapped, "__wrapped__", None))
    assert meta == ("job", "Does the job.", job), f"timed(job) metadata is {meta!r}"


@pytest.mark.task(2)
def test_timed_keeps_separate_timings_per_function():
    @timed(clock=FakeClock(0.0, 1.0))
    def first():
        return 1

    @timed(clock=FakeClock(0.0, 5.0))
    def second():
        return 2

    first()
    second()
    got = (timings_of(first, "@timed def first"), timings_of(second, "@timed def second"))
    assert got == ([1.0], [5.0]), (
        f"(first.timings, second.timings) is {got!r}; expected ([1.0], [5.0])"
    )


@pytest.mark.task(2)
def test_timed_keeps_an_async_function_a_coroutine_function():
    async def fetch(url):
        """Fetches the url."""
        return url

    wrapped = timed(fetch)
    assert inspect.iscoroutinefunction(wrapped), (
        "inspect.iscoroutinefunction(timed(fetch)) is False for `async def fetch`; expected True: "
        "Flask's ensure_sync and other callers check it, so the wrapper must be an `async def` too"
    )
    meta = (wrapped.__name__, wrapped.__doc__, getattr(wrapped, "__wrapped__", None))
    assert meta == ("fetch", "Fetches the url.", fetch), f"timed(fetch) metadata is {meta!r}"


@pytest.mark.task(2)
async def test_timed_times_the_whole_await_of_an_async_function():
    clock = FakeClock()

    @timed(clock=clock)
    async def fetch(x):
        await asyncio.sleep(0)
        clock.now = 7.5  # time passes while the coroutine runs
        return x * 2

    clock.now = 2.0
    got = await fetch(21)
    assert got == 42, f"await fetch(21) under @timed returned {got!r}; expected 42"
    timings = timings_of(fetch, "@timed(clock=...) async def fetch")
    assert timings == [5.5], (
        f"the clock read 2.0 when fetch(21) was called and 7.5 when its coroutine finished; "
        f"timings is {timings!r}, expected [5.5] (time the await, not the creation of the "
        "coroutine object)"
    )


@pytest.mark.task(2)
async def test_timed_records_an_async_call_that_raised():
    clock = FakeClock()
    refused = ConnectionRefusedError("db down")

    @timed(clock=clock)
    async def query():
        await asyncio.sleep(0)
        clock.now = 3.0
        raise refused

    with expect_raises(ConnectionRefusedError, "await query() under @timed") as info:
        await query()
    assert info.value is refused, f"@timed raised {info.value!r}; expected the coroutine's error"
    timings = timings_of(query, "@timed(clock=...) async def query")
    assert timings == [3.0], f"after one failing await, timings is {timings!r}; expected [3.0]"


# --- Task 3: retry -----------------------------------------------------------------------------


@pytest.mark.task(3)
def test_retry_returns_as_soon_as_a_call_succeeds():
    flaky = Flaky(ConnectionError("down"))
    naps: list[float] = []
    wrapped = retry(times=3, exceptions=ConnectionError, delay=0.5, sleep=naps.append)(flaky)
    got = wrapped()
    assert got == "ok", f"retry(times=3)(f)() returned {got!r}; expected 'ok'"
    assert flaky.calls == 2, f"the function was called {flaky.calls} times; expected 2 (fail, ok)"
    assert naps == [0.5], f"sleep was called with {naps}; expected [0.5] (one pause between tries)"


@pytest.mark.task(3)
def test_retry_reraises_the_last_exception_after_exactly_times_attempts():
    errors = [TimeoutError(f"attempt {i}") for i in range(1, 5)]
    flaky = Flaky(*errors)
    naps: list[float] = []
    wrapped = retry(times=4, exceptions=(TimeoutError,), delay=1.0, sleep=naps.append)(flaky)
    with expect_raises(TimeoutError, "retry(times=4, ...)(f)() with f failing 4 times") as info:
        wrapped()
    assert info.value is errors[-1], (
        f"retry raised {info.value!r}; expected the last error {errors[-1]!r}"
    )
    assert flaky.calls == 4, f"retry(times=4) called the function {flaky.calls} times; expected 4"
    assert naps == [1.0, 1.0, 1.0], (
        f"sleep calls were {naps}; expected 3 pauses (none after the last)"
    )


@pytest.mark.task(3)
def test_retry_with_one_attempt_calls_once_and_never_sleeps():
    error = ConnectionError("down")
    flaky = Flaky(error)
    naps: list[float] = []
    wrapped = retry(times=1, exceptions=ConnectionError, delay=2.0, sleep=naps.append)(flaky)
    with expect_raises(ConnectionError, "retry(times=1, ...)(f)() with f failing") as info:
        wrapped()
    assert info.value is error, f"retry(times=1) raised {info.value!r}; expected {error!r}"
    assert (flaky.calls, naps) == (1, []), (
        f"retry(times=1) made {flaky.calls} calls and slept {naps}; expected 1 call, no sleep"
    )


@pytest.mark.task(3)
def test_retry_does_not_retry_other_exception_types():
    flaky = Flaky(KeyError("not transient"))
    naps: list[float] = []
    wrapped = retry(times=5, exceptions=ConnectionError, sleep=naps.append)(flaky)
    with expect_raises(KeyError, "retry(exceptions=ConnectionError)(f)() with f raising KeyError"):
        wrapped()
    assert flaky.calls == 1, f"a KeyError was retried: {flaky.calls} calls; expected 1"
    assert naps == [], f"sleep was called with {naps}; expected no pause"


@pytest.mark.task(3)
def test_bare_retry_defaults_to_three_attempts():
    errors = [OSError("a"), OSError("b"), OSError("c")]
    flaky = Flaky(*errors)

    @retry
    def call():
        """Calls the flaky thing."""
        return flaky()

    with expect_raises(OSError, "call() under a bare @retry, failing every time") as info:
        call()
    assert flaky.calls == 3, f"bare @retry made {flaky.calls} attempts; expected the default 3"
    assert info.value is errors[-1], f"bare @retry raised {info.value!r}; expected {errors[-1]!r}"
    meta = (call.__name__, call.__doc__)
    assert meta == ("call", "Calls the flaky thing."), f"@retry metadata is {meta!r}"


@pytest.mark.task(3)
def test_retry_passes_arguments_and_keeps_wrapped():
    def power(base, exp=2):
        return base**exp

    naps: list[float] = []
    wrapped = retry(times=2, sleep=naps.append)(power)
    got = wrapped(3, exp=3)
    assert got == 27, f"retry(times=2)(power)(3, exp=3) returned {got!r}; expected 27"
    assert getattr(wrapped, "__wrapped__", None) is power, (
        "retry must set __wrapped__ (functools.wraps)"
    )
    flaky = Flaky(OSError("once"))
    assert retry(times=2, sleep=naps.append)(flaky)() == "ok", "a retried call must return 'ok'"
    assert naps == [0.0], f"with the default delay, sleep was called with {naps}; expected [0.0]"


@pytest.mark.task(3)
@pytest.mark.parametrize("times", [0, -1], ids=["zero", "negative"])
def test_retry_rejects_fewer_than_one_attempt(times):
    call_refuses(ValueError, retry, times=times)


@pytest.mark.task(3)
@pytest.mark.parametrize("times", [2.0, "3", None, True], ids=["float", "str", "none", "bool"])
def test_retry_rejects_times_that_is_not_an_int(times):
    call_refuses(TypeError, retry, times=times)


@pytest.mark.task(3)
@pytest.mark.parametrize(
    "delay", [-0.001, -1, math.nan], ids=["just-below-zero", "minus-one", "nan"]
)
def test_retry_rejects_a_negative_delay(delay):
    call_refuses(ValueError, retry, delay=delay)


@pytest.mark.task(3)
@pytest.mark.parametrize(
    "delay", ["0.5", None, Decimal("0.5"), True], ids=["str", "none", "decimal", "bool"]
)
def test_retry_rejects_a_delay_that_is_not_a_number(delay):
    call_refuses(TypeError, retry, delay=delay)


@pytest.mark.task(3)
@pytest.mark.parametrize(
    "exceptions",
    ["ConnectionError", int, ValueError("x"), (ValueError, "KeyError"), (KeyError, dict)],
    ids=["string", "int-class", "instance", "tuple-with-a-string", "tuple-with-a-class"],
)
def test_retry_rejects_something_that_is_not_an_exception_class(exceptions):
    call_refuses(TypeError, retry, times=2, exceptions=exceptions)


@pytest.mark.task(3)
@pytest.mark.parametrize("first", [3, "3"], ids=["int", "str"])
def test_retry_refuses_options_given_by_position(first):
    call_refuses(TypeError, retry, first)


# --- Task 4: rate_limit ------------------------------------------------------------------------


@pytest.mark.task(4)
def test_rate_limit_refuses_the_call_over_the_limit():
    clock = FakeClock()
    calls: list[int] = []

    @rate_limit(calls=2, per=10.0, clock=clock)
    def ping(n):
        calls.append(n)
        return n

    clock.now = 100.0
    assert ping(1) == 1 and ping(2) == 2, "the first two calls within the limit must go through"
    clock.now = 104.25
    error = call_raises(RateLimitExceeded, ping, 3)
    assert calls == [1, 2], f"the refused call still ran the function: calls = {calls}"
    assert "ping" in str(error), (
        f"the refusal says {str(error)!r}; expected it to name the function: "
        "raise RateLimitExceeded(func.__name__, retry_after)"
    )
    got = error.retry_after
    assert got == pytest.approx(5.75), (
        f"retry_after was {got!r}; expected 5.75 (100 + 10 - 104.25), not rounded"
    )


@pytest.mark.task(4)
def test_rate_limit_window_slides_with_the_clock():
    clock = FakeClock()

    @rate_limit(calls=2, per=10.0, clock=clock)
    def ping():
        return "pong"

    clock.now = 0.0
    ping()
    clock.now = 5.0
    ping()
    clock.now = 9.999
    call_raises(RateLimitExceeded, ping)  # at t=9.999 the call from t=0.0 still counts
    clock.now = 10.0  # the call made at 0.0 has left the window
    assert ping() == "pong", "at t=10.0 the call from t=0.0 has expired; ping() must be allowed"
    call_raises(RateLimitExceeded, ping)  # 5.0 and 10.0 are still inside the window


@pytest.mark.task(4)
def test_rate_limit_does_not_count_refused_calls():
    clock = FakeClock()

    @rate_limit(calls=1, per=1.0, clock=clock)
    def ping():
        return "pong"

    clock.now = 0.0
    ping()
    clock.now = 0.5
    call_raises(RateLimitExceeded, ping)
    clock.now = 1.0
    assert ping() == "pong", "a refused call at t=0.5 must not use up the budget for t=1.0"


@pytest.mark.task(4)
def test_rate_limit_budgets_are_per_function_and_keep_metadata():
    clock = FakeClock()
    limit = rate_limit(calls=1, per=60.0, clock=clock)

    @limit
    def a():
        """Function a."""
        return "a"

    @limit
    def b():
        return "b"

    assert (a(), b()) == ("a", "b"), "two functions must each get their own budget"
    assert (a.__name__, a.__doc__) == ("a", "Function a."), "rate_limit must use functools.wraps"


@pytest.mark.task(4)
def test_rate_limit_with_a_key_gives_each_client_its_own_window():
    clock = FakeClock()
    served: list[tuple[str, int]] = []

    def by_user(user, item):
        return user

    @rate_limit(calls=2, per=10.0, key=by_user, clock=clock)
    def fetch(user, item):
        served.append((user, item))
        return item

    clock.now = 0.0
    fetch("ada", 1)
    clock.now = 4.0
    fetch("ada", 2)
    clock.now = 5.0
    error = call_raises(RateLimitExceeded, fetch, "ada", 3)
    assert error.retry_after == pytest.approx(5.0), (
        f"ada's refusal at t=5 had retry_after {error.retry_after!r}; expected 5.0 (0 + 10 - 5)"
    )
    got = (fetch("bob", 4), fetch(user="bob", item=5))
    assert got == (4, 5), (
        f"bob's first two calls returned {got!r}; expected (4, 5): with key=, a client that "
        "used up its budget must not lock out the others"
    )
    call_raises(RateLimitExceeded, fetch, "bob", 6)
    clock.now = 10.0
    assert fetch("ada", 7) == 7, "at t=10 ada's call from t=0 has left her window"
    assert served == [("ada", 1), ("ada", 2), ("bob", 4), ("bob", 5), ("ada", 7)], (
        f"the function ran for {served!r}"
    )


@pytest.mark.task(4)
def test_rate_limit_keeps_each_clients_window_while_others_expire():
    clock = FakeClock()

    @rate_limit(calls=1, per=10.0, key=lambda user: user, clock=clock)
    def ping(user):
        return user

    clock.now = 0.0
    ping("ada")
    clock.now = 5.0
    ping("bob")
    clock.now = 10.0  # ada's call has left her window; bob's (t=5) counts until t=15
    error = call_raises(RateLimitExceeded, ping, "bob")
    assert error.retry_after == pytest.approx(5.0), (
        f"bob's refusal at t=10 had retry_after {error.retry_after!r}; expected 5.0 (5 + 10 - 10)"
    )
    assert ping("ada") == "ada", "at t=10 ada's call from t=0 has left her window"
    call_raises(RateLimitExceeded, ping, "bob")


@pytest.mark.task(4)
def test_rate_limit_calls_the_key_with_the_calls_arguments():
    seen: list[tuple] = []

    def key(*args, **kwargs):
        seen.append((args, kwargs))
        return "client"

    @rate_limit(calls=5, per=1.0, key=key, clock=FakeClock())
    def view(a, b=None):
        return a

    view(1, b=2)
    assert seen == [((1,), {"b": 2})], (
        f"view(1, b=2) called key with {seen!r}; expected [((1,), {{'b': 2}})]: "
        "key(*args, **kwargs), the same arguments as the function"
    )


@pytest.mark.task(4)
@pytest.mark.parametrize(
    ("calls", "per"),
    [(0, 1.0), (-3, 1.0), (5, 0), (5, -1.0)],
    ids=["no-calls", "negative-calls", "zero-seconds", "negative-seconds"],
)
def test_rate_limit_rejects_a_nonsense_limit(calls, per):
    call_refuses(ValueError, rate_limit, calls=calls, per=per)


@pytest.mark.task(4)
def test_rate_limit_accepts_the_smallest_sensible_limit():
    clock = FakeClock()

    @rate_limit(calls=1, per=0.001, clock=clock)
    def ping():
        return "pong"

    assert ping() == "pong", "rate_limit(calls=1, per=0.001): the first call must go through"
    call_raises(RateLimitExceeded, ping)
    clock.now = 0.001
    assert ping() == "pong", "rate_limit(calls=1, per=0.001): a call at t=0.001 must go through"


@pytest.mark.task(4)
@pytest.mark.parametrize("key", ["user", 42], ids=["string", "number"])
def test_rate_limit_rejects_a_key_that_is_not_callable(key):
    call_refuses(TypeError, rate_limit, calls=1, per=1.0, key=key)


# --- Task 5: require_api_key -------------------------------------------------------------------

SECRET = "s3cr3t-key-for-tests"


def make_app(api_key: object = SECRET) -> Flask:
    app = Flask("decorators_test_app")
    app.config["API_KEY"] = api_key

    @app.get("/reports")
    @require_api_key
    def reports():
        """List the reports."""
        return {"reports": [1, 2]}

    @app.get("/stats/<int:year>")
    @require_api_key
    def stats(year):
        return {"year": year}

    return app


@pytest.fixture
def client():
    return make_app().test_client()


CHALLENGE = 'ApiKey header="X-API-Key"'


def assert_refused(resp, what: str) -> None:
    """A refusal is exactly: 401, the JSON error body, and the WWW-Authenticate challenge."""
    got = (resp.status_code, resp.get_json(silent=True), resp.headers.get("WWW-Authenticate"))
    want = (401, {"error": "missing or invalid API key"}, CHALLENGE)
    assert got == want, (
        f"{what} answered status {got[0]}, body {resp.get_data(as_text=True)[:200]!r} and "
        f"WWW-Authenticate {got[2]!r}; expected 401, the JSON {want[1]!r} and "
        f"WWW-Authenticate {CHALLENGE!r} (every 401 must carry a challenge, RFC 9110)"
    )


class AsyncReadyFlask(Flask):
    """Flask whose documented ``async_to_sync`` hook runs a coroutine with ``asyncio.run``, so that
    ``async def`` views work without the asgiref package that ``flask[async]`` installs."""

    def async_to_sync(self, func):
        return lambda *args, **kwargs: asyncio.run(func(*args, **kwargs))


def make_async_app() -> Flask:
    app = AsyncReadyFlask("decorators_async_test_app")
    app.config["API_KEY"] = SECRET

    @app.get("/live/<int:year>")
    @require_api_key
    async def live(year):
        """Live figures, fetched asynchronously."""
        await asyncio.sleep(0)
        return {"year": year, "live": True}

    return app


@pytest.mark.task(5)
def test_api_key_guard_lets_the_right_key_through(client):
    resp = client.get("/reports", headers={"X-API-Key": SECRET})
    assert resp.status_code == 200, f"GET /reports with the right key returned {resp.status_code}"
    assert resp.get_json() == {"reports": [1, 2]}, f"body was {resp.get_json()!r}"
    resp = client.get("/stats/2024", headers={"X-API-Key": SECRET})
    assert resp.get_json() == {"year": 2024}, f"GET /stats/2024 returned {resp.get_json()!r}"


@pytest.mark.task(5)
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-API-Key": ""},
        {"X-API-Key": "wrong"},
        {"X-API-Key": SECRET + "x"},
        {"X-API-Key": SECRET[:-1]},
        {"X-API-Key": SECRET.upper()},
        {"X-API-Key": "clé-née"},
        {"Authorization": f"Bearer {SECRET}"},
    ],
    ids=["missing", "empty", "wrong", "longer", "prefix", "upper", "non-ascii", "other-header"],
)
def test_api_key_guard_answers_401_json_for_a_missing_or_wrong_key(client, headers):
    resp = client.get("/reports", headers=headers)
    assert_refused(resp, f"GET /reports with headers {headers!r}")


@pytest.mark.task(5)
@pytest.mark.parametrize("configured", [None, ""], ids=["unset", "empty"])
def test_api_key_guard_locks_everyone_out_when_no_key_is_configured(configured):
    client = make_app(api_key=configured).test_client()
    for headers in ({}, {"X-API-Key": ""}, {"X-API-Key": "None"}):
        resp = client.get("/reports", headers=headers)
        assert_refused(resp, f"with API_KEY={configured!r} (fail closed), GET /reports {headers!r}")


@pytest.mark.task(5)
def test_api_key_guard_reads_the_key_from_each_apps_config():
    other = make_app(api_key="another-key").test_client()
    ok = other.get("/reports", headers={"X-API-Key": "another-key"}).status_code
    refused = other.get("/reports", headers={"X-API-Key": SECRET})
    no = refused.status_code
    assert (ok, no) == (200, 401), (
        f"an app configured with API_KEY='another-key' answered {ok} to its own key and {no} to "
        "another app's key; expected (200, 401): read current_app.config at request time"
    )
    assert_refused(refused, "an app with API_KEY='another-key', given another app's key")


@pytest.mark.task(5)
def test_api_key_guard_compares_with_hmac_compare_digest(client, monkeypatch):
    seen: list[tuple[object, object]] = []
    real = hmac.compare_digest

    def spy(a, b):
        seen.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    if hasattr(decorators, "compare_digest"):  # `from hmac import compare_digest` is fine too
        monkeypatch.setattr(decorators, "compare_digest", spy)
    resp = client.get("/reports", headers={"X-API-Key": "guess"})
    assert_refused(resp, "GET /reports with the wrong key 'guess'")
    assert seen, "the key was not compared with hmac.compare_digest (== leaks timing)"


@pytest.mark.task(5)
def test_api_key_guard_keeps_view_names_so_flask_endpoints_stay_distinct():
    app = make_app()
    endpoints = sorted(r.endpoint for r in app.url_map.iter_rules() if r.endpoint != "static")
    assert endpoints == ["reports", "stats"], (
        f"endpoints were {endpoints}; expected ['reports', 'stats'] (use functools.wraps)"
    )
    view = app.view_functions["reports"]
    assert view.__doc__ == "List the reports.", f"the view's docstring became {view.__doc__!r}"


@pytest.mark.task(5)
def test_api_key_guard_works_on_an_async_view():
    client = make_async_app().test_client()
    resp = client.get("/live/2025", headers={"X-API-Key": SECRET})
    assert resp.status_code == 200 and resp.get_json() == {"year": 2025, "live": True}, (
        f"GET /live/2025 (an `async def` view) with the right key returned {resp.status_code} "
        f"{resp.get_data(as_text=True)[:200]!r}; expected 200 {{'year': 2025, 'live': True}}. "
        "Calling an async view returns a coroutine, not a response: call it through "
        "current_app.ensure_sync(view), or make the wrapper async for an async view"
    )
    resp = client.get("/live/2025", headers={"X-API-Key": "wrong"})
    assert_refused(resp, "GET /live/2025 (an async view) with a wrong key")
    resp = client.get("/live/2025")
    assert_refused(resp, "GET /live/2025 (an async view) with no key")
