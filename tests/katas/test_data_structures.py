"""Tests for the data_structures kata."""

from __future__ import annotations

import copy
import math

import pytest
from data_structures import Point, common_tags, dedupe, deep_merge, invert, word_counts

BIG = 100_000  # large enough that an O(n^2) answer takes far longer than the 2 s timeout


def in_linear_time(call, what):
    """Run ``call()``; turn pytest-timeout's interruption into one clean failure message.

    The timeout fires inside the learner's loop, and on some Python versions pytest cannot
    render a traceback stopped there, so the failure is re-raised from this frame instead.
    """
    try:
        return call()
    except pytest.fail.Exception as exc:
        if not str(exc).startswith("Timeout"):
            raise
    pytest.fail(
        f"Timeout: {what} took over 2 s; expected linear time (one pass with a dict or set)"
    )


# --- Task 1: dedupe ----------------------------------------------------------------------------


@pytest.mark.task(1)
@pytest.mark.parametrize(
    ("items", "want"),
    [
        ([3, 1, 3, 2, 1], [3, 1, 2]),
        ([], []),
        (["b", "a", "b", "A"], ["b", "a", "A"]),
        ([None, 0, None, ""], [None, 0, ""]),
        ([(1, 2), (2, 1), (1, 2)], [(1, 2), (2, 1)]),
    ],
)
def test_dedupe_keeps_the_first_occurrence_in_order(items, want):
    got = dedupe(items)
    assert got == want, f"dedupe({items!r}) returned {got!r}; expected {want!r}"
    assert isinstance(got, list), f"dedupe() returned a {type(got).__name__}; expected a list"


@pytest.mark.task(1)
def test_dedupe_accepts_any_iterable_such_as_a_generator_or_a_string():
    got = dedupe(x % 3 for x in range(10))
    assert got == [0, 1, 2], (
        f"dedupe(x % 3 for x in range(10)) returned {got!r}; expected [0, 1, 2]"
    )
    got = dedupe("mississippi")
    assert got == ["m", "i", "s", "p"], f"dedupe('mississippi') returned {got!r}"


@pytest.mark.task(1)
def test_dedupe_does_not_change_its_input():
    items = [5, 4, 5, 3, 4]
    dedupe(items)
    assert items == [5, 4, 5, 3, 4], f"dedupe() changed its input list to {items!r}"


@pytest.mark.task(1)
def test_dedupe_rejects_unhashable_items_with_type_error():
    with pytest.raises(TypeError, match=r"(?i)hashable"):
        dedupe([[1], [2], [1]])


@pytest.mark.task(1)
@pytest.mark.timeout(2)
def test_dedupe_is_linear_on_a_hundred_thousand_items():
    items = list(range(BIG)) + list(range(BIG))
    got = in_linear_time(lambda: dedupe(items), f"dedupe() of {2 * BIG} items")
    assert got == list(range(BIG)), "dedupe(range(N) twice) did not return range(N) in order"


# --- Task 2: word_counts -----------------------------------------------------------------------


@pytest.mark.task(2)
def test_word_counts_orders_by_count_then_alphabetically():
    got = word_counts("the cat and the hat")
    want = [("the", 2), ("and", 1), ("cat", 1), ("hat", 1)]
    assert got == want, f"word_counts('the cat and the hat') returned {got!r}; expected {want!r}"


@pytest.mark.task(2)
def test_word_counts_breaks_ties_alphabetically_not_by_first_appearance():
    got = word_counts("zebra mango apple zebra apple")
    want = [("apple", 2), ("zebra", 2), ("mango", 1)]
    assert got == want, (
        f"word_counts('zebra mango apple zebra apple') returned {got!r}; expected {want!r} "
        "(equal counts go in alphabetical order)"
    )


@pytest.mark.task(2)
@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Hello, world! HELLO... world?", [("hello", 2), ("world", 2)]),
        ("Café café CAFÉ cafe\u0301", [("café", 4)]),
        ("Straße STRASSE strasse", [("strasse", 3)]),
        ("Привет, мир! привет", [("привет", 2), ("мир", 1)]),
        ("room 101, room 102", [("room", 2), ("101", 1), ("102", 1)]),
    ],
    ids=["punctuation", "accents", "casefold", "cyrillic", "digits"],
)
def test_word_counts_is_case_insensitive_and_unicode_aware(text, want):
    got = word_counts(text)
    assert got == want, f"word_counts({text!r}) returned {got!r}; expected {want!r}"


@pytest.mark.task(2)
@pytest.mark.parametrize("text", ["", "   \n\t", "... !!! ,,,"])
def test_word_counts_of_text_without_words_is_empty(text):
    got = word_counts(text)
    assert got == [], f"word_counts({text!r}) returned {got!r}; expected []"


@pytest.mark.task(2)
def test_word_counts_top_keeps_only_the_most_frequent():
    text = "b a c b a b d"
    got = word_counts(text, top=2)
    assert got == [("b", 3), ("a", 2)], f"word_counts({text!r}, top=2) returned {got!r}"
    got = word_counts(text, top=0)
    assert got == [], f"word_counts({text!r}, top=0) returned {got!r}; expected []"
    with pytest.raises(ValueError):
        word_counts(text, top=-1)


@pytest.mark.task(2)
@pytest.mark.parametrize("bad", [None, b"bytes are not text", ["a", "list", "of", "words"], 42])
def test_word_counts_rejects_non_text_with_type_error(bad):
    with pytest.raises(TypeError):
        word_counts(bad)


@pytest.mark.task(2)
@pytest.mark.timeout(2)
def test_word_counts_is_linear_on_a_hundred_thousand_distinct_words():
    text = " ".join(f"w{i}" for i in range(BIG)) + " w7"
    got = in_linear_time(lambda: word_counts(text), f"word_counts() of {BIG} distinct words")
    assert len(got) == BIG, f"word_counts() of {BIG} distinct words returned {len(got)} pairs"
    assert got[0] == ("w7", 2), f"the most frequent word came out as {got[0]!r}; expected ('w7', 2)"


# --- Task 3: invert ----------------------------------------------------------------------------


@pytest.mark.task(3)
def test_invert_maps_each_value_to_the_set_of_its_keys():
    roles = {"ada": "admin", "bob": "user", "cy": "admin"}
    got = invert(roles)
    want = {"admin": {"ada", "cy"}, "user": {"bob"}}
    assert got == want, f"invert({roles!r}) returned {got!r}; expected {want!r}"
    kinds = {type(v).__name__ for v in got.values()}
    assert kinds == {"set"}, f"invert() values were of types {kinds}; expected sets"
    assert invert({}) == {}, f"invert({{}}) returned {invert({})!r}; expected {{}}"


@pytest.mark.task(3)
def test_invert_does_not_change_its_input():
    roles = {"ada": "admin", "bob": "user"}
    before = dict(roles)
    invert(roles)
    assert roles == before, f"invert() changed its input to {roles!r}"


@pytest.mark.task(3)
def test_invert_rejects_unhashable_values_with_type_error():
    with pytest.raises(TypeError, match=r"(?i)hashable"):
        invert({"ada": ["admin", "user"]})


@pytest.mark.task(3)
@pytest.mark.parametrize("bad", [[("ada", "admin")], None, "ada=admin"])
def test_invert_rejects_something_that_is_not_a_mapping(bad):
    with pytest.raises(TypeError):
        invert(bad)


@pytest.mark.task(3)
@pytest.mark.timeout(2)
def test_invert_is_linear_on_a_hundred_thousand_keys():
    mapping = {f"k{i}": i for i in range(BIG)}
    got = in_linear_time(lambda: invert(mapping), f"invert() of {BIG} keys")
    assert len(got) == BIG, f"invert() of {BIG} distinct values returned {len(got)} entries"
    assert got[123] == {"k123"}, f"invert(...)[123] is {got.get(123)!r}; expected {{'k123'}}"


# --- Task 4: common_tags -----------------------------------------------------------------------


@pytest.mark.task(4)
def test_common_tags_returns_the_tags_in_every_collection():
    got = common_tags(["python", "flask", "web", "flask"], {"flask", "python"}, ("python", "flask"))
    assert got == {"python", "flask"}, f"common_tags(...) returned {got!r}; expected python, flask"
    assert isinstance(got, set), f"common_tags() returned a {type(got).__name__}; expected a set"


@pytest.mark.task(4)
def test_common_tags_edge_cases_no_collections_one_collection_and_an_empty_one():
    assert common_tags() == set(), f"common_tags() returned {common_tags()!r}; expected set()"
    got = common_tags(["a", "b", "a"])
    assert got == {"a", "b"}, f"common_tags(['a', 'b', 'a']) returned {got!r}"
    got = common_tags(["a"], [])
    assert got == set(), f"common_tags(['a'], []) returned {got!r}; expected set()"


@pytest.mark.task(4)
def test_common_tags_does_not_change_its_inputs():
    first, second = {"a", "b", "c"}, {"b", "c", "d"}
    got = common_tags(first, second)
    assert got == {"b", "c"}, f"common_tags({{'a','b','c'}}, {{'b','c','d'}}) returned {got!r}"
    assert (first, second) == ({"a", "b", "c"}, {"b", "c", "d"}), (
        f"common_tags() changed its input sets to {first!r} and {second!r}"
    )
    got.add("zzz")
    assert "zzz" not in first, "the set returned by common_tags() is one of its inputs"


@pytest.mark.task(4)
def test_common_tags_rejects_a_bare_string_instead_of_a_collection():
    with pytest.raises(TypeError):
        common_tags("python", "pytorch")  # would otherwise "share" the letters p, y, t, o, h


@pytest.mark.task(4)
def test_common_tags_rejects_unhashable_tags_with_type_error():
    with pytest.raises(TypeError, match=r"(?i)hashable"):
        common_tags([["python"]], [["python"]])


@pytest.mark.task(4)
@pytest.mark.timeout(2)
def test_common_tags_is_linear_on_a_hundred_thousand_tags():
    first = [f"t{i}" for i in range(BIG)]
    second = [f"t{i}" for i in range(BIG // 2, BIG + BIG // 2)]
    got = in_linear_time(lambda: common_tags(first, second), f"common_tags() of 2 x {BIG} tags")
    assert len(got) == BIG // 2, f"common_tags() found {len(got)} shared tags; expected {BIG // 2}"


# --- Task 5: Point -----------------------------------------------------------------------------


@pytest.mark.task(5)
def test_point_compares_and_hashes_by_value():
    assert Point(1, 2) == Point(1.0, 2.0), "Point(1, 2) != Point(1.0, 2.0); expected equal"
    assert Point(1, 2) != Point(2, 1), "Point(1, 2) == Point(2, 1); expected different"
    seen = {Point(1, 2), Point(1, 2), Point(3, 4)}
    assert len(seen) == 2, f"a set of Point(1, 2), Point(1, 2), Point(3, 4) has {len(seen)} items"
    cities = {Point(0, 0): "origin"}
    assert cities[Point(0, 0)] == "origin", "an equal Point did not find the dict entry"


@pytest.mark.task(5)
def test_point_is_immutable():
    p = Point(1, 2)
    with pytest.raises(AttributeError):
        p.x = 10
    assert p == Point(1, 2), f"after a refused assignment the point is {p!r}"


@pytest.mark.task(5)
def test_point_distance_and_moved_return_new_values():
    p = Point(0, 0)
    d = p.distance_to(Point(3, 4))
    assert d == pytest.approx(5.0), f"Point(0, 0).distance_to(Point(3, 4)) returned {d!r}"
    q = p.moved(1.5, -2)
    assert q == Point(1.5, -2), f"Point(0, 0).moved(1.5, -2) returned {q!r}"
    assert p == Point(0, 0), f"moved() changed the original point to {p!r}"


@pytest.mark.task(5)
@pytest.mark.parametrize("bad", ["1", None, [1], True])
def test_point_rejects_coordinates_that_are_not_numbers(bad):
    with pytest.raises(TypeError):
        Point(bad, 0)
    with pytest.raises(TypeError):
        Point(0, bad)


@pytest.mark.task(5)
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_point_rejects_nan_and_infinity(bad):
    with pytest.raises(ValueError):
        Point(bad, 0)


# --- Task 6: deep_merge ------------------------------------------------------------------------


def config_pair():
    base = {
        "debug": False,
        "db": {"host": "localhost", "port": 5432, "options": {"timeout": 5, "ssl": False}},
        "hosts": ["a.example"],
    }
    override = {"debug": True, "db": {"port": 6543, "options": {"ssl": True}}, "name": "kata"}
    return base, override


@pytest.mark.task(6)
def test_deep_merge_merges_nested_mappings_and_override_wins():
    base, override = config_pair()
    got = deep_merge(base, override)
    want = {
        "debug": True,
        "db": {"host": "localhost", "port": 6543, "options": {"timeout": 5, "ssl": True}},
        "hosts": ["a.example"],
        "name": "kata",
    }
    assert got == want, f"deep_merge(base, override) returned {got!r}; expected {want!r}"


@pytest.mark.task(6)
def test_deep_merge_replaces_lists_and_scalars_instead_of_combining_them():
    got = deep_merge({"hosts": ["a", "b"], "db": {"port": 1}}, {"hosts": ["c"], "db": "sqlite://"})
    want = {"hosts": ["c"], "db": "sqlite://"}
    assert got == want, f"deep_merge returned {got!r}; expected {want!r}"
    got = deep_merge({"db": "sqlite://"}, {"db": {"port": 1}})
    assert got == {"db": {"port": 1}}, f"a mapping replacing a string gave {got!r}"


@pytest.mark.task(6)
def test_deep_merge_with_empty_configs():
    base, _ = config_pair()
    assert deep_merge({}, {}) == {}, "deep_merge({}, {}) is not {}"
    assert deep_merge(base, {}) == base, "deep_merge(base, {}) is not equal to base"
    assert deep_merge({}, base) == base, "deep_merge({}, base) is not equal to base"


@pytest.mark.task(6)
def test_deep_merge_never_changes_its_inputs():
    base, override = config_pair()
    base_before, override_before = copy.deepcopy(base), copy.deepcopy(override)
    deep_merge(base, override)
    assert base == base_before, f"deep_merge changed base to {base!r}"
    assert override == override_before, f"deep_merge changed override to {override!r}"


@pytest.mark.task(6)
def test_deep_merge_result_shares_nothing_mutable_with_the_inputs():
    base, override = config_pair()
    base_before, override_before = copy.deepcopy(base), copy.deepcopy(override)
    merged = deep_merge(base, override)
    merged["db"]["host"] = "evil.example"
    merged["db"]["options"]["timeout"] = 999
    merged["hosts"].append("b.example")
    merged2 = deep_merge({}, override)
    merged2["db"]["options"]["ssl"] = "changed"
    assert base == base_before, f"editing the merged result changed base to {base!r}"
    assert override == override_before, f"editing the merged result changed override: {override!r}"


@pytest.mark.task(6)
@pytest.mark.parametrize(("base", "override"), [([], {}), ({}, None), ({"a": 1}, [("a", 2)])])
def test_deep_merge_rejects_arguments_that_are_not_mappings(base, override):
    with pytest.raises(TypeError):
        deep_merge(base, override)
