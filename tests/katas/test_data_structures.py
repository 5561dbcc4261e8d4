"""Tests for the data_structures kata."""

from __future__ import annotations

import copy
import math

import pytest
from data_structures import Point, common_tags, dedupe, deep_merge, invert, word_counts
from kata_support import call_raises, call_refuses, expect_raises

BIG = 100_000  # 10^5, as the README says: an O(n^2) answer takes far longer than the 2 s timeout


def expect_list(got, call: str) -> list:
    """The learner's return value, if it is a list; otherwise a failure naming the call."""
    if not isinstance(got, list):
        pytest.fail(f"{call} returned {got!r}; expected a list", pytrace=False)
    return got


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
    ids=["ints", "empty", "case-sensitive-strings", "falsy-values", "tuples"],
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
    error = call_raises(TypeError, dedupe, [[1], [2], [1]])
    assert "hashable" in str(error).lower(), (
        f"dedupe([[1], [2], [1]]) raised TypeError({str(error)!r}); expected the 'unhashable "
        "type' error that dict or set raise on their own"
    )


@pytest.mark.task(1)
@pytest.mark.timeout(2)
def test_dedupe_is_linear_on_a_hundred_thousand_items():
    half = BIG // 2
    items = list(range(half)) * 2
    got = in_linear_time(lambda: dedupe(items), f"dedupe() of {BIG} items ({half} distinct)")
    assert got == list(range(half)), (
        f"dedupe(list(range({half})) * 2) did not return list(range({half})) in order"
    )


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
@pytest.mark.parametrize(
    "text", ["", "   \n\t", "... !!! ,,,"], ids=["empty", "blanks", "punctuation"]
)
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
    got = word_counts(text, top=4)
    want = [("b", 3), ("a", 2), ("c", 1), ("d", 1)]
    assert got == want, f"word_counts({text!r}, top=4) returned {got!r}; expected {want!r}"
    got = word_counts(text, top=10)
    assert got == want, f"word_counts({text!r}, top=10) returned {got!r}; expected all: {want!r}"
    call_refuses(ValueError, word_counts, text, top=-1)


@pytest.mark.task(2)
@pytest.mark.parametrize("top", ["2", 2.0, True], ids=["str", "float", "bool"])
def test_word_counts_rejects_a_top_that_is_not_an_int(top):
    call_refuses(TypeError, word_counts, "b a b", top=top)


@pytest.mark.task(2)
@pytest.mark.parametrize(
    "bad",
    [None, b"bytes are not text", ["a", "list", "of", "words"], 42],
    ids=["none", "bytes", "list", "int"],
)
def test_word_counts_rejects_non_text_with_type_error(bad):
    call_refuses(TypeError, word_counts, bad)


@pytest.mark.task(2)
@pytest.mark.timeout(2)
def test_word_counts_is_linear_on_a_hundred_thousand_distinct_words():
    text = " ".join(f"w{i}" for i in range(BIG)) + " w7"
    got = in_linear_time(lambda: word_counts(text), f"word_counts() of {BIG} distinct words")
    got = expect_list(got, f"word_counts() of {BIG} distinct words")
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
    error = call_refuses(TypeError, invert, {"ada": ["admin", "user"]})
    assert "hashable" in str(error).lower(), (
        f"invert({{'ada': ['admin', 'user']}}) raised TypeError({str(error)!r}); expected the "
        "'unhashable type' error"
    )


@pytest.mark.task(3)
@pytest.mark.parametrize(
    "bad", [[("ada", "admin")], None, "ada=admin"], ids=["list-of-pairs", "none", "string"]
)
def test_invert_rejects_something_that_is_not_a_mapping(bad):
    call_refuses(TypeError, invert, bad)


@pytest.mark.task(3)
@pytest.mark.timeout(2)
def test_invert_is_linear_on_a_hundred_thousand_keys():
    mapping = {f"k{i}": i for i in range(BIG)}
    got = in_linear_time(lambda: invert(mapping), f"invert() of {BIG} keys")
    if not isinstance(got, dict):
        pytest.fail(f"invert() of {BIG} keys returned a {type(got).__name__}; expected a dict")
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
@pytest.mark.parametrize(
    "args",
    [("python", "pytorch"), (["python"], "python"), (b"python", [b"python"])],
    ids=["two-strings", "list-then-string", "bytes"],
)
def test_common_tags_rejects_a_bare_string_instead_of_a_collection(args):
    # "python" and "pytorch" would otherwise "share" the letters p, y, t, o, h
    call_refuses(TypeError, common_tags, *args)


@pytest.mark.task(4)
def test_common_tags_rejects_unhashable_tags_with_type_error():
    error = call_refuses(TypeError, common_tags, [["python"]], [["python"]])
    assert "hashable" in str(error).lower(), (
        f"common_tags([['python']], [['python']]) raised TypeError({str(error)!r}); expected the "
        "'unhashable type' error"
    )


@pytest.mark.task(4)
@pytest.mark.timeout(2)
def test_common_tags_is_linear_on_a_hundred_thousand_tags():
    first = [f"t{i}" for i in range(BIG)]
    second = [f"t{i}" for i in range(BIG // 2, BIG + BIG // 2)]
    got = in_linear_time(lambda: common_tags(first, second), f"common_tags() of 2 x {BIG} tags")
    if not isinstance(got, set):
        pytest.fail(
            f"common_tags() of 2 x {BIG} tags returned {type(got).__name__}; expected a set"
        )
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
    with expect_raises(AttributeError, "p = Point(1, 2); p.x = 10"):
        p.x = 10
    assert p == Point(1, 2), f"after a refused assignment the point is {p!r}"


@pytest.mark.task(5)
def test_point_has_slots_and_no_per_instance_dict():
    p = Point(1, 2)
    assert not hasattr(p, "__dict__"), (
        f"Point(1, 2) has a __dict__ ({vars(p)!r}); expected none: "
        "@dataclass(frozen=True, slots=True) stores x and y in slots"
    )
    with expect_raises(AttributeError, 'object.__setattr__(Point(1, 2), "z", 3)'):
        object.__setattr__(p, "z", 3)  # even frozen=True alone would let this through


@pytest.mark.task(5)
@pytest.mark.parametrize(
    ("start", "end", "want"),
    [((0, 0), (3, 4), 5.0), ((1, 0), (4, 4), 5.0), ((4, 4), (1, 0), 5.0), ((-2, 7), (-2, 7), 0.0)],
    ids=["from-origin", "away-from-origin", "backwards", "same-point"],
)
def test_point_distance_is_the_straight_line_distance(start, end, want):
    d = Point(*start).distance_to(Point(*end))
    assert d == pytest.approx(want), (
        f"Point{start}.distance_to(Point{end}) returned {d!r}; expected {want}"
    )


@pytest.mark.task(5)
def test_point_distance_to_something_that_is_not_a_point_is_a_type_error():
    call_refuses(TypeError, Point(0, 0).distance_to, (3, 4))


@pytest.mark.task(5)
def test_point_moved_returns_a_new_point():
    p = Point(0, 0)
    q = p.moved(1.5, -2)
    assert q == Point(1.5, -2), f"Point(0, 0).moved(1.5, -2) returned {q!r}"
    assert p == Point(0, 0), f"moved() changed the original point to {p!r}"
    r = Point(1, 2).moved(3, 4)
    assert r == Point(4, 6), f"Point(1, 2).moved(3, 4) returned {r!r}; expected Point(4, 6)"


@pytest.mark.task(5)
@pytest.mark.parametrize("bad", ["1", None, [1], True], ids=["str", "none", "list", "bool"])
def test_point_rejects_coordinates_that_are_not_numbers(bad):
    call_refuses(TypeError, Point, bad, 0)
    call_refuses(TypeError, Point, 0, bad)


@pytest.mark.task(5)
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf], ids=["nan", "inf", "minus-inf"])
def test_point_rejects_nan_and_infinity(bad):
    call_refuses(ValueError, Point, bad, 0)
    call_refuses(ValueError, Point, 0, bad)


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


EDITS = [
    (
        ("base", "override"),
        lambda m: m["db"].__setitem__("host", "evil.example"),
        'merged["db"]["host"] = "evil.example"',
    ),
    (
        ("base", "override"),
        lambda m: m["db"]["options"].__setitem__("timeout", 999),
        'merged["db"]["options"]["timeout"] = 999',
    ),
    (
        ("base", "override"),
        lambda m: m["hosts"].append("b.example"),
        'merged["hosts"].append("b.example")',
    ),
    (
        ("{}", "override"),
        lambda m: m["db"]["options"].__setitem__("ssl", "changed"),
        'merged["db"]["options"]["ssl"] = "changed"',
    ),
    (("base", "{}"), lambda m: m["db"].__setitem__("port", 1), 'merged["db"]["port"] = 1'),
]


@pytest.mark.task(6)
@pytest.mark.parametrize(
    ("args", "edit", "shown"),
    EDITS,
    ids=["nested-scalar", "twice-nested", "list-from-base", "override-only", "empty-override"],
)
def test_deep_merge_result_shares_nothing_mutable_with_the_inputs(args, edit, shown):
    base, override = config_pair()
    base_before, override_before = copy.deepcopy(base), copy.deepcopy(override)
    values = {"base": base, "override": override, "{}": {}}
    call = f"deep_merge({args[0]}, {args[1]})"
    merged = deep_merge(values[args[0]], values[args[1]])
    if not isinstance(merged, dict):
        pytest.fail(f"{call} returned {merged!r}; expected a dict", pytrace=False)
    edit(merged)
    assert (base, override) == (base_before, override_before), (
        f"after merged = {call}, the edit {shown} also changed the inputs: base is now {base!r} "
        f"and override {override!r}; the result must share no dict or list with them "
        "(copy.deepcopy)"
    )


@pytest.mark.task(6)
@pytest.mark.parametrize(
    ("base", "override"),
    [([], {}), ({}, None), ({"a": 1}, [("a", 2)])],
    ids=["list-base", "none-override", "pairs-override"],
)
def test_deep_merge_rejects_arguments_that_are_not_mappings(base, override):
    call_refuses(TypeError, deep_merge, base, override)
