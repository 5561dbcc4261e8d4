"""Tests for the async_basics kata (pytest-asyncio runs the `async def` tests)."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import math
import threading
import time
from fractions import Fraction

import pytest
from async_basics import fetch_all, gather_limited, run_blocking, with_timeout
from kata_support import expect_raises

WAIT = 0.5  # the longest a test waits for something that a correct solution does at once


class Tracker:
    """Jobs that record when they start and how many of them are running at the same time."""

    def __init__(self) -> None:
        self.running = 0
        self.peak = 0
        self.started: list[str] = []
        self.finished: list[str] = []
        self.cancelled: list[str] = []

    async def job(self, name: str, delay: float = 0.01, error: BaseException | None = None):
        self.started.append(name)
        self.running += 1
        self.peak = max(self.peak, self.running)
        try:
            await asyncio.sleep(delay)
            if error is not None:
                raise error
            self.finished.append(name)
            return name.upper()
        except asyncio.CancelledError:
            self.cancelled.append(name)
            raise
        finally:
            self.running -= 1


async def never_called() -> str:
    return "unused"


async def quick() -> str:
    return "quick"


@contextlib.contextmanager
def refused(expected, call: str):
    """``expect_raises``, and the error must say what was wrong: a bare ``TypeError()`` does not."""
    with expect_raises(expected, call) as info:
        yield info
    assert str(info.value).strip(), (
        f"{call} raised {type(info.value).__name__}() with an empty message; say what was wrong"
    )


def assert_closed(coros, call: str) -> None:
    """Every coroutine object handed to ``call`` is finished, cancelled or closed afterwards."""
    left = [c.cr_code.co_name for c in coros if inspect.getcoroutinestate(c) == "CORO_CREATED"]
    for c in coros:
        c.close()  # clean up either way, so that the failure below is the only noise
    assert not left, (
        f"after {call}, the coroutine objects {left} were left unstarted and unclosed: close() "
        "every coroutine you refuse or will never run, or Python warns that it 'was never awaited'"
    )


def expect_list(got, call: str, length: int) -> list:
    """The learner's result, if it is a list of ``length`` items; else a failure naming the call."""
    if not isinstance(got, list) or len(got) != length:
        pytest.fail(f"{call} returned {got!r}; expected a list of {length} results", pytrace=False)
    return got


# --- Task 1: run_blocking ----------------------------------------------------------------------


@pytest.mark.task(1)
async def test_run_blocking_returns_the_result_and_passes_arguments():
    got = await run_blocking(pow, 2, 10)
    assert got == 1024, f"await run_blocking(pow, 2, 10) returned {got!r}; expected 1024"
    got = await run_blocking(int, "ff", base=16)
    assert got == 255, f"await run_blocking(int, 'ff', base=16) returned {got!r}; expected 255"


@pytest.mark.task(1)
async def test_run_blocking_runs_the_function_in_another_thread():
    loop_thread = threading.get_ident()
    got = await run_blocking(threading.get_ident)
    assert got != loop_thread, (
        "run_blocking(f) ran f in the event loop's own thread; expected a worker thread "
        "(asyncio.to_thread)"
    )


@pytest.mark.task(1)
async def test_event_loop_keeps_running_while_a_blocking_call_waits():
    heartbeat_ran = threading.Event()

    async def heartbeat():
        for _ in range(3):
            await asyncio.sleep(0)
        heartbeat_ran.set()

    def blocking():  # blocks its thread until the heartbeat coroutine has run
        return heartbeat_ran.wait(timeout=WAIT)

    beat = asyncio.create_task(heartbeat())
    got = await run_blocking(blocking)
    await beat
    assert got is True, (
        "while run_blocking(blocking) was waiting, the heartbeat coroutine never ran: "
        "the blocking call froze the event loop (use asyncio.to_thread)"
    )


@pytest.mark.task(1)
async def test_heartbeat_keeps_ticking_during_time_sleep_offloaded_to_a_thread():
    ticks = 0

    async def heartbeat():
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    beat = asyncio.create_task(heartbeat())
    try:
        await run_blocking(time.sleep, 0.2)
    finally:
        beat.cancel()
    assert ticks >= 3, (
        f"a heartbeat every 0.01 s ticked {ticks} times during run_blocking(time.sleep, 0.2); "
        "expected many: time.sleep must not run on the event loop"
    )


@pytest.mark.task(1)
async def test_run_blocking_propagates_the_functions_exception():
    with expect_raises(
        ValueError, "await run_blocking(int, 'not a number')", match="invalid literal"
    ):
        await run_blocking(int, "not a number")


@pytest.mark.task(1)
async def test_run_blocking_rejects_something_that_is_not_callable():
    with refused(TypeError, "await run_blocking(42)"):
        await run_blocking(42)


# --- Task 2: with_timeout ----------------------------------------------------------------------


@pytest.mark.task(2)
async def test_with_timeout_returns_the_result_when_in_time():
    got = await with_timeout(asyncio.sleep(0, result="done"), 1)
    assert got == "done", f"with_timeout(sleep(0, result='done'), 1) returned {got!r}"
    got = await with_timeout(quick(), 0.001)
    assert got == "quick", f"with_timeout(quick(), 0.001) returned {got!r}; expected 'quick'"


@pytest.mark.task(2)
async def test_with_timeout_raises_timeout_error_and_cancels_the_work():
    tracker = Tracker()
    with expect_raises(TimeoutError, "await with_timeout(job(delay=10), 0.05)"):
        await with_timeout(tracker.job("slow", delay=10), 0.05)
    assert tracker.cancelled == ["slow"], (
        f"after the timeout the job was cancelled={tracker.cancelled!r}; expected ['slow']: "
        "the timed-out work must be cancelled, not left running"
    )


@pytest.mark.task(2)
async def test_with_timeout_lets_the_coroutines_own_exception_through():
    tracker = Tracker()
    error = KeyError("id")
    with expect_raises(KeyError, "await with_timeout(job raising KeyError('id'), 1)") as info:
        await with_timeout(tracker.job("bad", delay=0, error=error), 1)
    assert info.value is error, f"with_timeout raised {info.value!r}; expected the job's own error"


@pytest.mark.task(2)
@pytest.mark.parametrize(
    "seconds", [0, -1, math.nan, math.inf], ids=["zero", "negative", "nan", "infinity"]
)
async def test_with_timeout_rejects_a_nonsense_number_of_seconds(seconds):
    coro = never_called()
    call = f"await with_timeout(never_called(), {seconds!r})"
    try:
        with refused(ValueError, call):
            await with_timeout(coro, seconds)
    finally:
        assert_closed([coro], call)


@pytest.mark.task(2)
@pytest.mark.parametrize(
    "seconds",
    [Fraction(1, 2), "1", None, True],
    ids=["fraction", "string", "none", "bool"],
)
async def test_with_timeout_rejects_seconds_that_are_not_an_int_or_float(seconds):
    coro = quick()
    call = f"await with_timeout(quick(), {seconds!r})"
    try:
        with refused(TypeError, call):
            await with_timeout(coro, seconds)
    finally:
        assert_closed([coro], call)


@pytest.mark.task(2)
async def test_with_timeout_rejects_a_function_that_was_not_called():
    with refused(TypeError, "await with_timeout(never_called, 1)  # no ()"):
        await with_timeout(never_called, 1)


@pytest.mark.task(2)
async def test_with_timeout_rejects_a_task_or_future_that_is_not_a_coroutine():
    task = asyncio.ensure_future(quick())
    future = asyncio.get_running_loop().create_future()
    try:
        with refused(TypeError, "await with_timeout(asyncio.ensure_future(quick()), 1)"):
            await with_timeout(task, 1)
        with refused(TypeError, "await with_timeout(loop.create_future(), 1)"):
            await with_timeout(future, 1)
    finally:
        task.cancel()
        future.cancel()


# --- Task 3: fetch_all -------------------------------------------------------------------------


@pytest.mark.task(3)
async def test_fetch_all_returns_results_in_input_order():
    tracker = Tracker()
    coros = [
        tracker.job(n, delay=d) for n, d in [("a", 0.04), ("b", 0.03), ("c", 0.0), ("d", 0.01)]
    ]
    got = expect_list(await fetch_all(coros), "fetch_all(4 jobs)", 4)
    assert got == ["A", "B", "C", "D"], (
        f"fetch_all returned {got!r}; expected ['A', 'B', 'C', 'D'] (input order, not finish order)"
    )


@pytest.mark.task(3)
async def test_fetch_all_runs_every_coroutine_at_the_same_time():
    tracker = Tracker()
    got = await fetch_all(tracker.job(f"j{i}") for i in range(6))
    expect_list(got, "fetch_all(6 jobs from a generator)", 6)
    assert tracker.peak == 6, (
        f"at most {tracker.peak} of 6 jobs were running at once; expected 6 "
        "(awaiting one after the other is sequential, not concurrent)"
    )


@pytest.mark.task(3)
async def test_fetch_all_of_nothing_is_an_empty_list():
    got = await fetch_all([])
    assert got == [], f"await fetch_all([]) returned {got!r}; expected []"


@pytest.mark.task(3)
async def test_fetch_all_raises_the_first_error_and_cancels_the_others():
    tracker = Tracker()
    boom = ValueError("upstream said no")
    coros = [
        tracker.job("slow1", delay=5),
        tracker.job("bad", delay=0.01, error=boom),
        tracker.job("slow2", delay=5),
    ]
    with expect_raises(ValueError, "await fetch_all([slow1, bad, slow2])") as excinfo:
        await asyncio.wait_for(fetch_all(coros), WAIT * 4)
    assert excinfo.value is boom, f"fetch_all raised {excinfo.value!r}; expected the job's {boom!r}"
    assert sorted(tracker.cancelled) == ["slow1", "slow2"], (
        f"when one job failed, the cancelled siblings were {tracker.cancelled!r}; expected "
        "['slow1', 'slow2'] (asyncio.gather leaves them running; asyncio.TaskGroup cancels them)"
    )


@pytest.mark.task(3)
async def test_fetch_all_raises_the_first_error_even_when_a_cancelled_sibling_fails_too():
    boom = ValueError("first failure")

    async def fails_first():
        await asyncio.sleep(0.01)
        raise boom

    async def fails_while_cancelled():
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            raise RuntimeError("cleanup failed while being cancelled") from None

    call = "await fetch_all([fails_first(), fails_while_cancelled()])"
    with expect_raises((ValueError, RuntimeError), call) as info:
        await asyncio.wait_for(fetch_all([fails_first(), fails_while_cancelled()]), WAIT * 4)
    assert info.value is boom, (
        f"{call} raised {info.value!r}; expected the first failure {boom!r}, not the error a "
        "sibling raised while it was being cancelled because of it"
    )


@pytest.mark.task(3)
async def test_fetch_all_rejects_items_that_are_not_coroutines():
    good = never_called()
    call = "await fetch_all([never_called(), never_called])"
    try:
        with refused(TypeError, call):
            await fetch_all([good, never_called])
    finally:
        assert_closed([good], call)
    with refused(TypeError, "await fetch_all([1, 2])"):
        await fetch_all([1, 2])


# --- Task 4: gather_limited --------------------------------------------------------------------


@pytest.mark.task(4)
async def test_gather_limited_never_runs_more_than_limit_at_once():
    tracker = Tracker()
    names = [f"j{i}" for i in range(10)]
    got = await gather_limited([tracker.job(n) for n in names], limit=3)
    expect_list(got, "gather_limited(10 jobs, limit=3)", 10)
    want = [n.upper() for n in names]
    assert got == want, f"gather_limited(10 jobs, limit=3) returned {got!r}; expected {want!r}"
    assert tracker.peak == 3, (
        f"with limit=3, at most {tracker.peak} jobs ran at once; expected exactly 3 "
        "(more: the limit is ignored; fewer: the jobs are not concurrent)"
    )


@pytest.mark.task(4)
async def test_gather_limited_with_a_high_limit_runs_everything_together():
    tracker = Tracker()
    got = await gather_limited([tracker.job(f"j{i}") for i in range(4)], limit=50)
    assert got == ["J0", "J1", "J2", "J3"], f"gather_limited(4 jobs, limit=50) returned {got!r}"
    assert tracker.peak == 4, f"with limit=50, at most {tracker.peak} of 4 jobs ran at once"


@pytest.mark.task(4)
async def test_gather_limited_starts_the_next_job_as_soon_as_any_slot_frees():
    release = asyncio.Event()
    order: list[str] = []

    async def long():
        await release.wait()  # only the last short job releases it
        order.append("long")
        return "long"

    async def short(name, last=False):
        await asyncio.sleep(0)
        order.append(name)
        if last:
            release.set()
        return name

    coros = [long(), short("s1"), short("s2"), short("s3", last=True)]
    try:
        async with asyncio.timeout(WAIT):
            got = await gather_limited(coros, limit=2)
    except TimeoutError:
        pytest.fail(
            f"gather_limited(limit=2) got stuck after {order!r}: while the long job held one "
            "slot, the short jobs must keep flowing through the other (no fixed batches)"
        )
    assert got == ["long", "s1", "s2", "s3"], f"gather_limited returned {got!r}"


@pytest.mark.task(4)
async def test_gather_limited_stops_on_the_first_error_without_starting_the_rest():
    tracker = Tracker()
    coros = [tracker.job("bad", delay=0, error=RuntimeError("boom"))]
    coros += [tracker.job(f"j{i}") for i in range(4)]
    call = "await gather_limited([bad, j0..j3], limit=1)"
    with expect_raises(RuntimeError, call, match="boom"):
        await gather_limited(coros, limit=1)
    assert_closed(coros, call)
    # The job that grabbed the freed slot may have started before the cancellation landed.
    assert len(tracker.started) <= 2 and tracker.finished == [], (
        f"with limit=1 and the first job failing, jobs {tracker.started!r} were started and "
        f"{tracker.finished!r} finished; expected the queued jobs to be cancelled, not run"
    )


@pytest.mark.task(4)
async def test_gather_limited_with_limit_one_runs_one_job_at_a_time():
    tracker = Tracker()
    got = await gather_limited([tracker.job(f"j{i}") for i in range(3)], limit=1)
    assert got == ["J0", "J1", "J2"], f"gather_limited(3 jobs, limit=1) returned {got!r}"
    assert tracker.peak == 1, f"with limit=1, {tracker.peak} jobs ran at once; expected 1"


@pytest.mark.task(4)
@pytest.mark.parametrize("limit", [0, -1], ids=["zero", "negative"])
async def test_gather_limited_rejects_a_limit_below_one(limit):
    coros = [never_called()]
    call = f"await gather_limited([never_called()], limit={limit})"
    try:
        with refused(ValueError, call):
            await gather_limited(coros, limit=limit)
    finally:
        assert_closed(coros, call)


@pytest.mark.task(4)
@pytest.mark.parametrize("limit", ["2", 2.5, None, True], ids=["string", "float", "none", "bool"])
async def test_gather_limited_rejects_a_limit_that_is_not_an_int(limit):
    coros = [never_called()]
    call = f"await gather_limited([never_called()], limit={limit!r})"
    try:
        with refused(TypeError, call):
            await gather_limited(coros, limit=limit)
    finally:
        assert_closed(coros, call)


@pytest.mark.task(4)
@pytest.mark.parametrize(
    "bad",
    [1, never_called, "job"],
    ids=["an-int", "an-uncalled-async-function", "a-string"],
)
async def test_gather_limited_rejects_items_that_are_not_coroutines(bad):
    good = quick()
    call = f"await gather_limited([quick(), {bad!r}], limit=2)"
    try:
        with refused(TypeError, call):
            await gather_limited([good, bad], limit=2)
    finally:
        assert_closed([good], call)
