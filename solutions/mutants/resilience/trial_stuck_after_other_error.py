"""Leaves the half-open trial running after an exception outside failure_types.

Every later call then fails fast and the breaker never closes."""

from __future__ import annotations

import _reference
from _reference import *
from _reference import _check_count, _check_positive


class CircuitBreaker:
    def __init__(
        self,
        failure_threshold: int = 5,
        reset_timeout: float = 30.0,
        *,
        failure_types: tuple[type[BaseException], ...] = (Exception,),
        clock: Clock = time.monotonic,
    ) -> None:
        self.failure_threshold = _check_count("failure_threshold", failure_threshold)
        self.reset_timeout = _check_positive("reset_timeout", reset_timeout)
        self.failure_types = failure_types
        self.clock = clock
        self.failures = 0
        self._state = State.CLOSED
        self._opened_at = 0.0
        self._trial_running = False
        self._lock = threading.Lock()

    def _current(self) -> State:
        """The state now; an open breaker turns half-open once the timeout passed. Lock held."""
        if self._state is State.OPEN and self.clock() - self._opened_at >= self.reset_timeout:
            self._state = State.HALF_OPEN
        return self._state

    @property
    def state(self) -> State:
        with self._lock:
            return self._current()

    def _open(self) -> None:
        self._state = State.OPEN
        self._opened_at = self.clock()
        self._trial_running = False

    def call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self._lock:
            state = self._current()
            if state is State.OPEN:
                remaining = self.reset_timeout - (self.clock() - self._opened_at)
                raise CircuitOpenError(max(remaining, 0.0))
            if state is State.HALF_OPEN:
                if self._trial_running:  # one probe at a time; the others fail fast
                    raise CircuitOpenError(0.0)
                self._trial_running = True
        try:
            result = func(*args, **kwargs)
        except self.failure_types:
            with self._lock:
                if self._state is State.HALF_OPEN:
                    self._open()
                else:
                    self.failures += 1
                    if self.failures >= self.failure_threshold:
                        self._open()
            raise
        except BaseException:
            # Not a dependency failure (a bug, a 404...): it proves nothing about the dependency.
            # In half-open the trial ends without a verdict: the next call is a new trial.
            raise
        with self._lock:
            self._state = State.CLOSED
            self.failures = 0
            self._trial_running = False
        return result


_reference.CircuitBreaker = CircuitBreaker
