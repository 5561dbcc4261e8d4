"""Built-in data structures kata: pick the right structure for each job.

Read katas/data_structures.md for the tasks, then replace each ``raise NotImplementedError``.
Every function must be linear time (one pass with a dict or set, no nested scans) and must
leave its inputs unchanged.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any


def dedupe(items: Iterable[Hashable]) -> list[Hashable]:
    """Task 1: the items without repeats, each kept at its first position.

    ``dedupe([3, 1, 3, 2, 1]) == [3, 1, 2]``. Unhashable items raise ``TypeError``.
    """
    raise NotImplementedError("Task 1: dedupe")


def word_counts(text: str, top: int | None = None) -> list[tuple[str, int]]:
    """Task 2: ``(word, count)`` pairs, most frequent first, equal counts alphabetically.

    Words are runs of ``\\w`` characters, after NFC normalisation and ``str.casefold()``.
    ``top`` keeps only the first ``top`` pairs (``top < 0`` raises ``ValueError``, a ``top``
    that is not ``None`` or an ``int`` -- ``bool`` included -- raises ``TypeError``); a
    ``text`` that is not a ``str`` raises ``TypeError``.
    """
    raise NotImplementedError("Task 2: word_counts")


def invert(mapping: Mapping[Any, Hashable]) -> dict[Hashable, set[Any]]:
    """Task 3: map each value to the set of keys that had it.

    ``invert({"a": 1, "b": 2, "c": 1}) == {1: {"a", "c"}, 2: {"b"}}``. A non-mapping or an
    unhashable value raises ``TypeError``.
    """
    raise NotImplementedError("Task 3: invert")


def common_tags(*tag_lists: Iterable[str]) -> set[str]:
    """Task 4: the set of tags present in every collection given (``set()`` when none).

    A bare ``str`` or ``bytes`` argument raises ``TypeError`` (it is not a collection of tags).
    """
    raise NotImplementedError("Task 4: common_tags")


class Point:
    """Task 5: an immutable, hashable 2-D point with ``x`` and ``y``.

    Turn this into a frozen dataclass (``@dataclass(frozen=True, slots=True)``). Coordinates
    must be ``int`` or ``float`` (not ``bool``) or ``TypeError``; NaN or infinity raise
    ``ValueError``. Instances have no ``__dict__`` (that is what ``slots=True`` gives).
    """

    def __init__(self, x: float, y: float) -> None:
        raise NotImplementedError("Task 5: Point")

    def distance_to(self, other: Point) -> float:
        """The straight-line distance to ``other``; a non-``Point`` raises ``TypeError``."""
        raise NotImplementedError("Task 5: Point.distance_to")

    def moved(self, dx: float, dy: float) -> Point:
        """A new point shifted by ``(dx, dy)``; this one never changes."""
        raise NotImplementedError("Task 5: Point.moved")


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Task 6: a new dict with ``override`` laid over ``base``.

    Where both hold a mapping under the same key, merge them recursively; otherwise the
    value from ``override`` wins (lists are replaced, not joined). Neither input changes, and
    the result shares no mutable object with them. Non-mappings raise ``TypeError``.
    """
    raise NotImplementedError("Task 6: deep_merge")
