"""A counter service whose state lives in a shared database, so any instance can answer (Task 1).

Read katas/horizontal_scaling.md, then replace each ``raise NotImplementedError`` with your code.
"""

from __future__ import annotations

from flask import Flask


def create_app(store_url: str) -> Flask:
    """Build one instance of the counter service, keeping every counter in ``store_url``.

    An SQLAlchemy database URL such as ``sqlite:////tmp/counters.db``; an empty one ->
    ``ValueError``. Every instance built with the same URL sees the same counters; nothing is
    kept in the process. Several instances may start at the same moment on a new database:
    creating the table must not fail because another one created it first.

    - ``GET /health`` -> 200 ``{"status": "ok", "pid": os.getpid()}``
    - ``GET /counters/<name>`` -> 200 ``{"name": name, "value": int}`` (0 if never set)
    - ``POST /counters/<name>/increment`` -> 200 with the new value
    - ``PUT /counters/<name>`` with JSON ``{"value": int}`` -> 200 with the value
    - ``DELETE /counters/<name>`` -> 204
    - Names are 1-64 characters of ``a-z 0-9 _ -`` (else 400); a PUT body that is not a JSON
      object, whatever its Content-Type -> 400; a value that is not a 64-bit int -> 422.
    - Errors are JSON ``{"message": "..."}``; a 405 keeps its ``Allow`` header.
    """
    raise NotImplementedError("Task 1: build the stateless counter service")
