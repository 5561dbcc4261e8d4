"""A schema-less document collection with an optional, Mongoose-like schema.

Documents are JSON-shaped values (dict, list, str, int, float, bool, None) held in memory. A
collection accepts documents of any shape; a `Schema`, if given, checks only the fields it names.
"""

from __future__ import annotations

import copy
import math
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Collection",
    "DocumentStoreError",
    "DuplicateKeyError",
    "Field",
    "InvalidDocument",
    "InvalidQuery",
    "Schema",
    "UnknownOperator",
    "ValidationError",
]


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


_MISSING: Any = object()
_QUERY_OPERATORS = frozenset({"$gt", "$gte", "$lt", "$lte", "$in", "$exists", "$ne"})
_UPDATE_OPERATORS = frozenset({"$set", "$unset"})


# --- JSON values -------------------------------------------------------------------------------


def _check_json(value: Any, where: str) -> None:
    """Reject anything that would not survive a round trip through JSON."""
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, float):
        if not math.isfinite(value):  # JSON has no NaN/Infinity, and NaN != NaN breaks queries
            raise InvalidDocument(f"{where}: {value!r} is not a finite number")
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            _check_json(item, f"{where}.{i}")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _check_key(key, where)
            _check_json(item, f"{where}.{key}" if where else key)
        return
    raise InvalidDocument(
        f"{where or 'document'}: {type(value).__name__} is not a JSON value "
        "(use dict, list, str, int, float, bool or None)"
    )


def _check_key(key: Any, where: str) -> None:
    if not isinstance(key, str):
        raise InvalidDocument(f"{where or 'document'}: key {key!r} is not a string")
    if not key or key.startswith("$") or "." in key:
        # `$` keys would be read as operators and `.` keys as paths: refuse them at the door.
        raise InvalidDocument(f"{where or 'document'}: key {key!r} may not be empty, "
                              "start with '$' or contain '.'")


def _same(a: Any, b: Any) -> bool:
    """Equality that tells bool from int (in Python, True == 1)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


def _comparable(a: Any, b: Any) -> bool:
    """Order only numbers with numbers and strings with strings (Mongo's type brackets)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return False
    numbers = int | float
    return (isinstance(a, numbers) and isinstance(b, numbers)) or (
        isinstance(a, str) and isinstance(b, str)
    )


# --- dotted paths ------------------------------------------------------------------------------


def _split(path: Any) -> list[str]:
    if not isinstance(path, str) or not path or any(not p for p in path.split(".")):
        raise InvalidQuery(f"{path!r} is not a field path like 'address.city'")
    return path.split(".")


def _get(doc: dict[str, Any], parts: list[str]) -> Any:
    current: Any = doc
    for part in parts:
        if not isinstance(current, dict) or part not in current:
            return _MISSING
        current = current[part]
    return current


# --- queries -----------------------------------------------------------------------------------


def _check_query(query: Any) -> dict[str, Any]:
    if query is None:
        return {}
    if not isinstance(query, Mapping):
        raise InvalidQuery(f"a query must be a dict, not {type(query).__name__}")
    for path, condition in query.items():
        if isinstance(path, str) and path.startswith("$"):
            raise UnknownOperator(f"top-level operator {path!r} is not supported")
        _split(path)
        if _is_operator_dict(condition):
            for op, operand in condition.items():
                if op not in _QUERY_OPERATORS:
                    raise UnknownOperator(f"unknown query operator {op!r} on {path!r}")
                if op == "$in":
                    if not isinstance(operand, list):
                        raise InvalidQuery(f"$in on {path!r} needs a list, got {operand!r}")
                    for item in operand:
                        _check_query_value(item, path)
                elif op == "$exists":
                    if not isinstance(operand, bool):
                        raise InvalidQuery(
                            f"$exists on {path!r} needs true or false, got {operand!r}")
                elif op == "$ne":
                    _check_query_value(operand, path)
                elif not _orderable(operand):
                    # MongoDB would order nulls, booleans, arrays and objects too (BSON type
                    # order); this store refuses them rather than answer something surprising.
                    raise InvalidQuery(f"{op} on {path!r} needs a number or a string, "
                                       f"got {operand!r}")
        else:
            _check_query_value(condition, path)
    return dict(query)


def _check_query_value(value: Any, path: str) -> None:
    try:
        _check_json(value, path)
    except InvalidDocument as exc:
        raise InvalidQuery(f"cannot compare {path!r} with a non-JSON value: {exc}") from None


def _orderable(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, int | str)


def _is_operator_dict(condition: Any) -> bool:
    if not isinstance(condition, dict) or not condition:
        return False
    dollar = [isinstance(k, str) and k.startswith("$") for k in condition]
    if any(dollar) and not all(dollar):
        raise InvalidQuery(f"cannot mix operators and fields in {condition!r}")
    return all(dollar)


def _candidates(value: Any) -> list[Any]:
    """What a condition is tried against, as in MongoDB: the value itself and, for an array,
    each of its elements. A missing field has no candidates."""
    if value is _MISSING:
        return []
    if isinstance(value, list):
        return [value, *value]
    return [value]


def _equals(value: Any, target: Any) -> bool:
    """MongoDB equality: the whole value or any array element equals `target`, and a `null`
    target also matches a missing field."""
    if target is None and value is _MISSING:
        return True
    return any(_same(candidate, target) for candidate in _candidates(value))


def _matches(doc: dict[str, Any], query: dict[str, Any]) -> bool:
    for path, condition in query.items():
        value = _get(doc, path.split("."))
        if _is_operator_dict(condition):
            if not all(_apply(op, value, operand) for op, operand in condition.items()):
                return False
        elif not _equals(value, condition):
            return False
    return True


def _apply(op: str, value: Any, operand: Any) -> bool:
    if op == "$exists":
        return (value is not _MISSING) is operand
    if op == "$in":
        return any(_equals(value, item) for item in operand)
    if op == "$ne":
        return not _equals(value, operand)
    # Each range operator is satisfied by any one candidate: {"$gt": 4, "$lt": 6} matches [3, 9]
    # (9 > 4 and 3 < 6). MongoDB's $elemMatch asks for one element satisfying both.
    return any(
        _comparable(candidate, operand) and _ORDER[op](candidate, operand)
        for candidate in _candidates(value)
    )


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "$gt": lambda a, b: a > b,
    "$gte": lambda a, b: a >= b,
    "$lt": lambda a, b: a < b,
    "$lte": lambda a, b: a <= b,
}


# --- schema ------------------------------------------------------------------------------------


_TYPE_NAMES = {str: "string", int: "integer", float: "number", bool: "boolean",
               list: "list", dict: "object"}


@dataclass(frozen=True)
class Field:
    """One field of a schema: its type, whether it is required, and an optional default.

    `default` may be a value (copied for each document) or a zero-argument callable.
    """

    type: type
    required: bool = False
    default: Any = _MISSING

    def __post_init__(self) -> None:
        if self.type not in _TYPE_NAMES:
            raise TypeError(f"Field type must be one of {sorted(t.__name__ for t in _TYPE_NAMES)}")

    def accepts(self, value: Any) -> bool:
        if self.type is float:  # a number field takes ints too, but never bools
            return isinstance(value, int | float) and not isinstance(value, bool)
        if self.type is int:
            return isinstance(value, int) and not isinstance(value, bool)
        return isinstance(value, self.type)


@dataclass(frozen=True)
class Schema:
    """Named fields a document must satisfy; fields it does not name are left alone."""

    fields: Mapping[str, Field] = field(default_factory=dict)

    def validate(self, document: Mapping[str, Any]) -> dict[str, Any]:
        """Return a copy of `document` with defaults filled in, or raise ValidationError
        listing every problem found."""
        result = copy.deepcopy(dict(document))
        problems: list[str] = []
        for name, spec in self.fields.items():
            value = result.get(name)
            if value is None and spec.default is not _MISSING:
                value = spec.default() if callable(spec.default) else copy.deepcopy(spec.default)
                result[name] = value
            if value is None:
                if spec.required:
                    problems.append(f"{name}: is required")
            elif not spec.accepts(value):
                problems.append(f"{name}: expected {_TYPE_NAMES[spec.type]}, "
                                f"got {type(value).__name__} {value!r}")
        if problems:
            raise ValidationError(problems)
        return result


# --- the collection ----------------------------------------------------------------------------


class Collection:
    """An in-memory collection of documents of any shape, keyed by `_id`."""

    def __init__(self, schema: Schema | None = None,
                 id_factory: Callable[[], str] = lambda: uuid.uuid4().hex) -> None:
        self._schema = schema
        self._id_factory = id_factory
        self._docs: dict[str, dict[str, Any]] = {}  # insertion-ordered

    def __len__(self) -> int:
        return len(self._docs)

    def _prepare(self, document: Any) -> dict[str, Any]:
        if not isinstance(document, Mapping):
            raise InvalidDocument(f"a document must be a dict, not {type(document).__name__}")
        doc = copy.deepcopy(dict(document))  # never keep (or change) the caller's object
        _check_json(doc, "")
        if self._schema is not None:
            doc = self._schema.validate(doc)
            _check_json(doc, "")  # defaults must be JSON values too
        return doc

    def insert(self, document: Mapping[str, Any]) -> str:
        """Store a copy of `document`; return its `_id` (given, or a fresh one)."""
        doc = self._prepare(document)
        doc_id = doc.get("_id", _MISSING)
        if doc_id is _MISSING:
            doc_id = self._id_factory()
        elif not isinstance(doc_id, str) or not doc_id:
            raise InvalidDocument(f"_id must be a non-empty string, got {doc_id!r}")
        if doc_id in self._docs:
            raise DuplicateKeyError(f"a document with _id {doc_id!r} already exists")
        self._docs[doc_id] = {"_id": doc_id, **{k: v for k, v in doc.items() if k != "_id"}}
        return doc_id

    def find(self, query: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Copies of every matching document, in insertion order."""
        q = _check_query(query)
        return [copy.deepcopy(d) for d in self._docs.values() if _matches(d, q)]

    def find_one(self, query: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
        found = self.find(query)
        return found[0] if found else None

    def update(self, query: Mapping[str, Any] | None, changes: Mapping[str, Any]) -> int:
        """Apply `$set`/`$unset` to every matching document; return how many matched.

        All or nothing: if any updated document would break the schema, none is changed.
        """
        q = _check_query(query)
        sets, unsets = _check_changes(changes)
        updated: dict[str, dict[str, Any]] = {}
        for doc_id, doc in self._docs.items():
            if not _matches(doc, q):
                continue
            new = copy.deepcopy(doc)
            for path, value in sets.items():
                _set(new, _split(path), copy.deepcopy(value))
            for path in unsets:
                _unset(new, _split(path))
            if self._schema is not None:
                new = self._schema.validate(new)
                _check_json(new, "")  # a default filled in may not be JSON
            updated[doc_id] = new
        self._docs.update(updated)
        return len(updated)


def _check_changes(changes: Any) -> tuple[dict[str, Any], Iterable[str]]:
    if not isinstance(changes, Mapping) or not changes:
        raise InvalidQuery("an update must be a non-empty dict like {'$set': {...}}")
    for op in changes:
        if not (isinstance(op, str) and op.startswith("$")):
            raise InvalidQuery(f"update key {op!r} is not an operator; "
                               "whole-document replacement is not supported, use $set")
        if op not in _UPDATE_OPERATORS:
            raise UnknownOperator(f"unknown update operator {op!r}")
    sets = changes.get("$set", {})
    unsets = changes.get("$unset", {})
    for op, operand in (("$set", sets), ("$unset", unsets)):
        if not isinstance(operand, Mapping):
            raise InvalidQuery(f"{op} needs a dict of field paths, got {operand!r}")
        for path in operand:
            if _split(path)[0] == "_id":
                raise InvalidQuery("_id cannot be changed")
    for path, value in sets.items():
        _check_json(value, path)
    return dict(sets), list(unsets)


def _set(doc: dict[str, Any], parts: list[str], value: Any) -> None:
    current = doc
    for part in parts[:-1]:
        nxt = current.setdefault(part, {})
        if not isinstance(nxt, dict):
            raise InvalidQuery(f"cannot set {'.'.join(parts)!r}: {part!r} holds "
                               f"{type(nxt).__name__}, not an object")
        current = nxt
    current[parts[-1]] = value


def _unset(doc: dict[str, Any], parts: list[str]) -> None:
    parent = _get(doc, parts[:-1]) if len(parts) > 1 else doc
    if isinstance(parent, dict):
        parent.pop(parts[-1], None)  # unsetting a missing field is not an error
