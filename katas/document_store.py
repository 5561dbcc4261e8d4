"""A schema-less document collection with an optional, Mongoose-like schema.

Read katas/document_store.md for the tasks. The exception classes are given; build the rest.
Every error you raise says what was wrong in its message; an InvalidDocument names the path of
the bad value (for {"a": {"b": [1, b"x"]}}, something like "a.b.1").
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

_MISSING: Any = object()  # "no default given" (None is a valid default)


class DocumentStoreError(Exception):
    """Base class of every error this module raises on purpose."""


class InvalidDocument(DocumentStoreError):
    """The document is not a JSON-shaped dict (a set, a datetime, NaN, a non-str key, ...)."""


class InvalidQuery(DocumentStoreError):
    """A query or an update is malformed (wrong type, bad operand, replacement document, ...)."""


class UnknownOperator(InvalidQuery):
    """A `$` operator this store does not implement, e.g. `$where` or `$regex`."""


class DuplicateKeyError(DocumentStoreError):
    """A document with the same `_id` is already stored."""


class ValidationError(DocumentStoreError):
    """A document breaks its collection's schema. `problems` lists every problem, not the first."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Field:
    """One field of a schema. `type` is one of str, int, float, bool, list, dict (Task 4: any
    other type raises TypeError when the Field is made).

    `default` may be a value (copied for each document) or a zero-argument callable.
    """

    type: type
    required: bool = False
    default: Any = _MISSING


@dataclass(frozen=True)
class Schema:
    """Named fields a document must satisfy; fields it does not name are left alone."""

    fields: Mapping[str, Field] = field(default_factory=dict)

    def validate(self, document: Mapping[str, Any]) -> dict[str, Any]:
        """Task 4: return a copy of `document` with defaults filled in, or raise
        ValidationError whose `problems` lists every problem found (one string per problem,
        each naming its field, and a type problem the type it expected)."""
        raise NotImplementedError("Task 4: Schema.validate")


class Collection:
    """An in-memory collection of documents of any shape, keyed by `_id`."""

    def __init__(self, schema: Schema | None = None,
                 id_factory: Callable[[], str] = lambda: uuid.uuid4().hex) -> None:
        """Task 1: an empty collection; `id_factory` makes the `_id` of each new document."""
        raise NotImplementedError("Task 1: Collection.__init__")

    def __len__(self) -> int:
        """Task 1: the number of stored documents."""
        raise NotImplementedError("Task 1: Collection.__len__")

    def insert(self, document: Mapping[str, Any]) -> str:
        """Task 1: store a deep copy of `document` and return its `_id` (the caller's own `_id`
        if given, else a fresh one). Raise InvalidDocument for non-dicts and non-JSON values,
        DuplicateKeyError for an `_id` already stored. Task 4: validate against the schema (a
        default that brings in a non-JSON value raises InvalidDocument)."""
        raise NotImplementedError("Task 1: Collection.insert")

    def find(self, query: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Tasks 1-2: deep copies of every matching document, in insertion order. Matching
        follows MongoDB (None matches a missing field, arrays match by element) except for the
        simplifications the README lists."""
        raise NotImplementedError("Task 1: Collection.find")

    def find_one(self, query: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
        """Task 1: the first match of `find(query)`, or None."""
        raise NotImplementedError("Task 1: Collection.find_one")

    def update(self, query: Mapping[str, Any] | None, changes: Mapping[str, Any]) -> int:
        """Task 3: apply `{"$set": {...}, "$unset": {...}}` to every match; return how many
        matched. All or nothing: on any error no document changes."""
        raise NotImplementedError("Task 3: Collection.update")
