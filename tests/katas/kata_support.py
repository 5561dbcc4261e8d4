"""Assertions shared by the kata suites: every failure says what was called, what came back and
what was expected. A bare ``Failed: DID NOT RAISE <class 'ValueError'>`` says none of that.

    from kata_support import call_raises, call_refuses, expect_raises

    error = call_raises(ValueError, retry, times=0)          # calls retry(times=0)
    error = call_refuses(ValueError, retry, times=0)         # ...and its message is not empty
    with expect_raises(TypeError, "Point(True, 2)"):         # for a block of code
        Point(True, 2)
    assert_error(client.get("/me"), 401, "GET /me without a token")  # {"error": "..."} bodies

Any other exception propagates unchanged, so the learner sees it with the line of their file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

Expected = type[BaseException] | tuple[type[BaseException], ...]


def _names(expected: Expected) -> str:
    classes = expected if isinstance(expected, tuple) else (expected,)
    return " or ".join(c.__name__ for c in classes)


def describe_call(func: Callable[..., Any], args: tuple = (), kwargs: dict | None = None) -> str:
    """``retry(times=0)``: how a learner would have written the call."""
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in (kwargs or {}).items()]
    name = getattr(func, "__qualname__", None) or getattr(func, "__name__", None) or repr(func)
    return f"{name}({', '.join(parts)})"


def call_raises(expected: Expected, func: Callable[..., Any], /, *args, **kwargs) -> BaseException:
    """Call ``func(*args, **kwargs)``; return the ``expected`` exception it raised, or fail with
    the call and what it returned instead."""
    call = describe_call(func, args, kwargs)
    try:
        value = func(*args, **kwargs)
    except expected as exc:
        return exc
    pytest.fail(
        f"{call} returned {value!r}; expected it to raise {_names(expected)}", pytrace=False
    )


def call_refuses(expected: Expected, func: Callable[..., Any], /, *args, **kwargs) -> BaseException:
    """``call_raises``, and the error must say what was wrong: a bare ``TypeError()`` does not."""
    error = call_raises(expected, func, *args, **kwargs)
    assert str(error).strip(), (
        f"{describe_call(func, args, kwargs)} raised {type(error).__name__}() with an empty "
        "message; say what was wrong"
    )
    return error


@contextmanager
def expect_raises(
    expected: Expected, call: str, match: str | None = None
) -> Iterator[pytest.ExceptionInfo]:
    """``pytest.raises`` whose failure names ``call`` (the code the block runs, as text)."""
    try:
        with pytest.raises(expected, match=match) as info:
            yield info
    except pytest.fail.Exception as failure:
        if "DID NOT RAISE" not in str(failure):
            raise
        pytest.fail(f"{call} raised nothing; expected {_names(expected)}", pytrace=False)


# --- Flask responses whose errors are {"error": "<a message>"} (jwt_auth, sessions) ---


def text(response) -> str:
    return f"{response.status_code} {response.get_data(as_text=True)[:200]!r}"


def assert_error(response, status: int, what: str) -> None:
    """`status` with a body of exactly {"error": "<a message>"}."""
    assert response.status_code == status, f"{what} answered {text(response)}; expected {status}"
    body = response.get_json(silent=True)
    assert isinstance(body, dict) and set(body) == {"error"} and isinstance(
        body["error"], str) and body["error"], (
        f"{what} answered the body {response.get_data(as_text=True)[:200]!r}; expected a JSON "
        'object with exactly one key, like {"error": "a message"}'
    )
