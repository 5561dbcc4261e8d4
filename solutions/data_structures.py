"""Built-in data structures: the right one for each job (reference solution)."""

from __future__ import annotations

import copy
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T", bound=Hashable)
K = TypeVar("K")
V = TypeVar("V", bound=Hashable)

_WORD = re.compile(r"\w+")


def dedupe(items: Iterable[T]) -> list[T]:
    """The items without repeats, each kept where it first appeared."""
    # dict keys are unique *and* remember insertion order: one O(n) pass.
    # An unhashable item raises TypeError("unhashable type: ...") right here.
    return list(dict.fromkeys(items))


def word_counts(text: str, top: int | None = None) -> list[tuple[str, int]]:
    """(word, count) pairs, most frequent first, ties in alphabetical order."""
    if not isinstance(text, str):
        raise TypeError(f"word_counts() needs a str, got {type(text).__name__}")
    if top is not None and (not isinstance(top, int) or isinstance(top, bool)):
        raise TypeError(f"top must be None or an int, got {top!r}")
    if top is not None and top < 0:
        raise ValueError(f"top must be >= 0, got {top}")
    # NFC first so "e" + combining accent and the precomposed "é" are the same word;
    # casefold (not lower) so "STRASSE" and "straße" match too.
    words = _WORD.findall(unicodedata.normalize("NFC", text).casefold())
    counts = Counter(words)
    # most_common() breaks ties by first appearance; we promise alphabetical order instead.
    ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return ranked if top is None else ranked[:top]


def invert(mapping: Mapping[K, V]) -> dict[V, set[K]]:
    """Map each value to the set of keys that had it."""
    if not isinstance(mapping, Mapping):
        raise TypeError(f"invert() needs a mapping, got {type(mapping).__name__}")
    inverted: defaultdict[V, set[K]] = defaultdict(set)
    for key, value in mapping.items():
        inverted[value].add(key)  # an unhashable value raises TypeError here
    return dict(inverted)


def common_tags(*tag_lists: Iterable[str]) -> set[str]:
    """The tags present in every one of the given collections (empty set for none)."""
    for tags in tag_lists:
        if isinstance(tags, str | bytes):
            # A str is iterable too, but as characters: "python" is not {"p", "y", ...}.
            raise TypeError(f"each argument must be a collection of tags, not {tags!r}")
    if not tag_lists:
        return set()
    first, *rest = tag_lists
    # set.intersection accepts any iterables and hashes each once: linear in the input.
    return set(first).intersection(*rest)


@dataclass(frozen=True, slots=True)
class Point:
    """An immutable, hashable 2-D point: equal points hash equal, so it can be a dict key."""

    x: float
    y: float

    def __post_init__(self) -> None:
        for name in ("x", "y"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError(f"Point.{name} must be an int or float, got {value!r}")
            if not math.isfinite(value):
                # NaN != NaN would break equality and hashing, inf breaks distances.
                raise ValueError(f"Point.{name} must be finite, got {value!r}")

    def distance_to(self, other: Point) -> float:
        if not isinstance(other, Point):
            raise TypeError(f"distance_to() needs a Point, got {type(other).__name__}")
        return math.hypot(other.x - self.x, other.y - self.y)

    def moved(self, dx: float, dy: float) -> Point:
        """A new point; this one never changes."""
        return Point(self.x + dx, self.y + dy)


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """A new dict: ``override`` wins, nested mappings are merged, neither input is touched."""
    if not isinstance(base, Mapping) or not isinstance(override, Mapping):
        raise TypeError(
            f"deep_merge() needs two mappings, got {type(base).__name__} "
            f"and {type(override).__name__}"
        )
    # deepcopy so that later edits to the result never reach back into the inputs.
    merged = {key: copy.deepcopy(value) for key, value in base.items()}
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged
