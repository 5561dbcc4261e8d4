"""Tests for the document_store kata: a schema-less collection with an optional schema."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from document_store import (
    Collection,
    DuplicateKeyError,
    Field,
    InvalidDocument,
    InvalidQuery,
    Schema,
    UnknownOperator,
    ValidationError,
)
from kata_support import call_raises, call_refuses


def counting_ids():
    counter = itertools.count(1)
    return lambda: f"id{next(counter)}"


@pytest.fixture
def people() -> Collection:
    """Documents of different shapes in one collection."""
    col = Collection(id_factory=counting_ids())
    col.insert({"name": "Ada", "age": 36, "address": {"city": "London", "zip": "N1"}})
    col.insert({"name": "Grace", "age": 85, "tags": ["navy", "cobol"]})
    col.insert({"name": "Linus", "age": "twenty-one", "active": True})
    col.insert({"name": "Bot", "active": 1, "address": {"city": "Paris"}})
    return col


def names(docs: list[dict]) -> list[str]:
    return [d.get("name") for d in docs]


# --- Task 1: insert and find --------------------------------------------------------------------


@pytest.mark.task(1)
def test_insert_assigns_a_string_id_and_find_returns_the_document_with_it():
    col = Collection()
    first = col.insert({"name": "Ada"})
    second = col.insert({"name": "Grace"})
    assert isinstance(first, str) and first, (
        f"insert() returned {first!r}; expected a non-empty str"
    )
    assert first != second, f"two inserts returned the same _id {first!r}"
    got = col.find({"_id": first})
    assert got == [{"_id": first, "name": "Ada"}], (
        f"find({{'_id': {first!r}}}) returned {got!r}; expected the stored document with its _id"
    )
    assert len(col) == 2, f"len(collection) is {len(col)} after two inserts; expected 2"


@pytest.mark.task(1)
def test_documents_of_different_shapes_coexist_and_find_keeps_insertion_order(people):
    got = names(people.find())
    assert got == ["Ada", "Grace", "Linus", "Bot"], (
        f"find() with no query returned names {got!r}; expected every document in insertion order"
    )
    assert people.find({}) == people.find(), "find({}) and find() should both return everything"


@pytest.mark.task(1)
def test_a_given_id_is_kept_and_a_duplicate_id_is_refused():
    col = Collection()
    assert col.insert({"_id": "ada", "name": "Ada"}) == "ada", "insert kept no caller-given _id"
    call_refuses(DuplicateKeyError, col.insert, {"_id": "ada", "name": "Impostor"})
    assert names(col.find()) == ["Ada"], "a refused duplicate must not replace the stored document"


@pytest.mark.task(1)
def test_inserted_and_returned_documents_are_copies_not_shared_objects():
    col = Collection()
    original = {"name": "Ada", "tags": ["math"]}
    doc_id = col.insert(original)
    assert "_id" not in original, f"insert() changed the caller's dict: {original!r}"
    original["tags"].append("poetry")
    original["name"] = "Changed"
    returned = col.find_one({"_id": doc_id})
    returned["tags"].append("hacked")
    returned["address"] = "nowhere"
    stored = col.find_one({"_id": doc_id})
    assert stored == {"_id": doc_id, "name": "Ada", "tags": ["math"]}, (
        f"after mutating the inserted dict and a returned copy, the store holds {stored!r}; "
        "insert and find must deep-copy"
    )


@pytest.mark.task(1)
@pytest.mark.parametrize(
    "bad",
    [
        ["not", "a", "dict"],
        "name=Ada",
        None,
        {"when": dt.datetime(2024, 1, 1, tzinfo=dt.UTC)},
        {"tags": {"a", "b"}},
        {"score": float("nan")},
        {"score": float("inf")},
        {"nested": {"deep": [1, b"bytes"]}},
        {1: "non-string key"},
        {"$where": "sleep(1000)"},
        {"a.b": "a dotted key would read as a path"},
    ],
    ids=["list", "str", "None", "datetime", "set", "nan", "inf", "bytes-deep", "int-key",
         "dollar-key", "dotted-key"],
)
def test_non_dict_documents_and_non_json_values_raise_invalid_document(bad):
    col = Collection()
    call_refuses(InvalidDocument, col.insert, bad)
    assert len(col) == 0, f"insert({bad!r}) failed but left {len(col)} document(s) stored"


@pytest.mark.task(1)
@pytest.mark.parametrize("bad_id", ["", 5, ["a"]], ids=["empty-str", "int", "list"])
def test_a_given_id_that_is_not_a_non_empty_string_raises_invalid_document(bad_id):
    col = Collection()
    call_refuses(InvalidDocument, col.insert, {"_id": bad_id, "name": "Ada"})
    assert len(col) == 0, f"insert({{'_id': {bad_id!r}}}) failed but left a document stored"


@pytest.mark.task(1)
@pytest.mark.parametrize(
    ("bad", "where"),
    [({"score": float("nan")}, ["score"]),
     ({"nested": {"deep": [1, b"bytes"]}}, ["nested", "deep"]),
     ({"prefs": {"colours": {"red", "blue"}}}, ["prefs", "colours"])],
    ids=["top-level-nan", "bytes-in-a-nested-list", "set-in-a-sub-document"],
)
def test_invalid_document_says_where_the_bad_value_is(bad, where):
    error = call_refuses(InvalidDocument, Collection().insert, bad)
    missing = [name for name in where if name not in str(error)]
    assert not missing, (
        f"insert({bad!r}) raised InvalidDocument({str(error)!r}); expected the message to name "
        f"the path to the bad value through {where!r} (it does not mention {missing!r})"
    )


@pytest.mark.task(1)
def test_find_one_returns_the_first_match_or_none(people):
    got = people.find_one()
    assert isinstance(got, dict) and got.get("name") == "Ada", (
        f"find_one() returned {got!r}; expected the first document, Ada"
    )
    got = people.find_one({"age": {"$gt": 30}})
    assert isinstance(got, dict) and got.get("name") == "Ada", (
        f"find_one({{'age': {{'$gt': 30}}}}) returned {got!r}; expected the first match, Ada "
        "(Grace matches too, later)"
    )
    got = people.find_one({"name": "Nobody"})
    assert got is None, f"find_one({{'name': 'Nobody'}}) returned {got!r}; expected None"


# --- Task 2: queries ------------------------------------------------------------------------------


@pytest.mark.task(2)
def test_dotted_paths_reach_into_nested_documents(people):
    got = names(people.find({"address.city": "London"}))
    assert got == ["Ada"], f"find({{'address.city': 'London'}}) returned {got!r}; expected ['Ada']"
    got = names(people.find({"address.zip": {"$exists": True}}))
    assert got == ["Ada"], f"find({{'address.zip': {{'$exists': True}}}}) returned {got!r}"
    got = names(people.find({"name.first": "Ada"}))
    assert got == [], f"a path through a string must match nothing, got {got!r}"


@pytest.mark.task(2)
def test_gt_and_lt_compare_numbers_and_skip_documents_of_another_shape(people):
    got = names(people.find({"age": {"$gt": 40}}))
    assert got == ["Grace"], (
        f"find({{'age': {{'$gt': 40}}}}) returned {got!r}; expected ['Grace'] - a string age or a "
        "missing age must simply not match (and must not raise TypeError)"
    )
    got = names(people.find({"age": {"$gt": 30, "$lt": 50}}))
    assert got == ["Ada"], f"two operators on one field must both hold, got {got!r}"
    got = names(people.find({"age": {"$lt": "z"}}))
    assert got == ["Linus"], f"strings compare with strings only, got {got!r}"


@pytest.mark.task(2)
@pytest.mark.parametrize(
    ("query", "want"),
    [({"age": {"$gt": 36}}, ["Grace"]), ({"age": {"$lt": 85}}, ["Ada"]),
     ({"age": {"$gt": 40.5}}, ["Grace"]), ({"age": {"$lt": 36.5}}, ["Ada"]),
     ({"active": {"$gte": 0}}, ["Bot"]), ({"active": {"$lte": 1}}, ["Bot"])],
    ids=["gt-is-strict", "lt-is-strict", "gt-a-float", "lt-a-float", "gte-skips-true",
         "lte-skips-true"],
)
def test_range_operators_are_strict_take_floats_and_never_match_a_boolean(people, query, want):
    got = names(people.find(query))
    assert got == want, (
        f"find({query!r}) returned {got!r}; expected {want!r}. Ages: Ada 36, Grace 85, Linus "
        "'twenty-one', Bot none; active: Linus True, Bot 1. $gt/$lt exclude their bound, a float "
        "operand is a number, and a boolean is not a number"
    )


@pytest.mark.task(2)
def test_in_and_exists_operators(people):
    got = names(people.find({"name": {"$in": ["Grace", "Bot", "Nobody"]}}))
    assert got == ["Grace", "Bot"], f"$in returned {got!r}; expected ['Grace', 'Bot']"
    got = names(people.find({"tags": {"$exists": False}}))
    assert got == ["Ada", "Linus", "Bot"], f"$exists: False returned {got!r}"
    got = names(people.find({"age": {"$in": []}}))
    assert got == [], f"$in with an empty list must match nothing, got {got!r}"


@pytest.mark.task(2)
def test_gte_lte_and_ne_operators(people):
    got = names(people.find({"age": {"$gte": 36, "$lte": 85}}))
    assert got == ["Ada", "Grace"], f"$gte 36 / $lte 85 returned {got!r}; bounds are inclusive"
    got = names(people.find({"address.city": {"$ne": "London"}}))
    assert got == ["Grace", "Linus", "Bot"], (
        f"$ne 'London' returned {got!r}; documents without the field also match $ne"
    )


@pytest.mark.task(2)
def test_true_is_not_equal_to_one_in_queries(people):
    got = names(people.find({"active": True}))
    assert got == ["Linus"], (
        f"find({{'active': True}}) returned {got!r}; expected ['Linus'] only - "
        "in Python True == 1, "
        "but in JSON a boolean is not a number"
    )
    got = names(people.find({"active": {"$in": [1]}}))
    assert got == ["Bot"], f"find({{'active': {{'$in': [1]}}}}) returned {got!r}; expected ['Bot']"


@pytest.mark.task(2)
@pytest.mark.parametrize(
    "query",
    [
        {"age": {"$regex": ".*"}},
        {"age": {"$where": "1"}},
        {"$or": [{"age": 1}]},
        {"name": {"$eq ": "Ada"}},
    ],
    ids=["regex", "where", "top-level-or", "look-alike-eq"],
)
def test_unknown_operators_raise_unknown_operator(people, query):
    call_refuses(UnknownOperator, people.find, query)


@pytest.mark.task(2)
@pytest.mark.parametrize(
    "query",
    [
        "name == 'Ada'",
        ["name"],
        {"age": {"$in": "Ada"}},
        {"age": {"$exists": "yes"}},
        {"age": {"$gt": 1, "plain": 2}},
        {"": 1},
        {"address..city": "London"},
        {"when": dt.datetime(2024, 1, 1, tzinfo=dt.UTC)},
        {"score": float("nan")},
        {"tags": {"$ne": {"a", "b"}}},
        {"tags": {"$in": ["ok", b"bytes"]}},
        {"age": {"$gt": None}},
        {"age": {"$gte": True}},
        {"age": {"$lt": [40]}},
        {"age": {"$lte": {"n": 1}}},
        {"age": {"$gt": float("nan")}},
        {"age": {"$lt": float("inf")}},
    ],
    ids=["str", "list", "in-not-list", "exists-not-bool", "mixed-operator-and-field", "empty-path",
         "empty-path-segment", "datetime-value", "nan-value", "ne-a-set", "in-with-bytes",
         "gt-None", "gte-bool", "lt-list", "lte-dict", "gt-nan", "lt-inf"],
)
def test_malformed_queries_raise_invalid_query(people, query):
    error = call_refuses(InvalidQuery, people.find, query)
    assert not isinstance(error, UnknownOperator), (
        f"find({query!r}) raised UnknownOperator; the operator is known, its operand is bad: "
        "expected a plain InvalidQuery"
    )


@pytest.fixture
def contacts() -> Collection:
    col = Collection(id_factory=counting_ids())
    col.insert({"name": "A", "email": None})
    col.insert({"name": "B"})
    col.insert({"name": "C", "email": "c@example.com"})
    col.insert({"name": "D", "email": [None, "d@example.com"]})
    return col


@pytest.mark.task(2)
@pytest.mark.parametrize(
    ("query", "want"),
    [
        ({"email": None}, ["A", "B", "D"]),
        ({"email": {"$in": [None]}}, ["A", "B", "D"]),
        ({"email": {"$in": [None, "c@example.com"]}}, ["A", "B", "C", "D"]),
        ({"email": {"$ne": None}}, ["C"]),
        ({"email": {"$ne": "c@example.com"}}, ["A", "B", "D"]),
        ({"email": {"$exists": True}}, ["A", "C", "D"]),
        ({"email": {"$exists": False}}, ["B"]),
    ],
    ids=["eq-None", "in-None", "in-None-or-value", "ne-None", "ne-value", "exists", "not-exists"],
)
def test_none_matches_a_missing_field_as_in_mongodb(contacts, query, want):
    got = names(contacts.find(query))
    assert got == want, (
        f"find({query!r}) returned {got!r}; expected {want!r}. Documents: A has email None, B has "
        "no email, C has 'c@example.com', D has [None, 'd@example.com']. As in MongoDB, None "
        "matches null or missing (or an array holding null), and $ne is the exact opposite"
    )


@pytest.fixture
def listed() -> Collection:
    col = Collection(id_factory=counting_ids())
    col.insert({"name": "G", "tags": ["navy", "cobol"], "scores": [3, 9]})
    col.insert({"name": "H", "tags": ["navy"], "scores": 5})
    col.insert({"name": "I", "tags": [], "scores": []})
    col.insert({"name": "J", "tags": "navy"})
    col.insert({"name": "K", "tags": [["navy", "cobol"], "x"]})
    return col


@pytest.mark.task(2)
@pytest.mark.parametrize(
    ("query", "want"),
    [
        ({"tags": "navy"}, ["G", "H", "J"]),
        ({"tags": ["navy", "cobol"]}, ["G", "K"]),
        ({"tags": ["cobol", "navy"]}, []),
        ({"tags": []}, ["I"]),
        ({"tags": {"$in": ["cobol", "nobody"]}}, ["G"]),
        ({"tags": {"$ne": "navy"}}, ["I", "K"]),
        ({"scores": {"$gt": 8}}, ["G"]),
        ({"scores": {"$gt": 4, "$lt": 6}}, ["G", "H"]),
        ({"scores": {"$gte": 3, "$lte": 3}}, ["G"]),
        ({"scores": {"$lt": 0}}, []),
    ],
    ids=["element-equals", "whole-array-equals", "same-items-other-order", "empty-array",
         "in-any-element", "ne-no-element", "gt-any-element", "gt-and-lt-any-elements",
         "gte-lte-boundary", "lt-none"],
)
def test_arrays_match_when_the_whole_array_or_any_element_matches(listed, query, want):
    got = names(listed.find(query))
    assert got == want, (
        f"find({query!r}) returned {got!r}; expected {want!r}. Documents: G tags "
        "['navy', 'cobol'] scores [3, 9]; H tags ['navy'] scores 5; I tags [] scores []; J tags "
        "'navy'; K tags [['navy', 'cobol'], 'x']. As in MongoDB, a condition on an array holds if "
        "it holds for the whole array or for any one element (each operator on its own)"
    )


@pytest.mark.task(2)
def test_a_whole_sub_document_matches_only_with_the_same_keys_and_values(people):
    got = names(people.find({"address": {"city": "Paris"}}))
    assert got == ["Bot"], (
        f"find({{'address': {{'city': 'Paris'}}}}) returned {got!r}; expected ['Bot']: Ada's "
        "address {'city': 'London', 'zip': 'N1'} has other values"
    )
    got = names(people.find({"address": {"city": "London"}}))
    assert got == [], (
        f"find({{'address': {{'city': 'London'}}}}) returned {got!r}; expected []: Ada's address "
        "also has a zip, and a whole sub-document must be equal, not a subset"
    )
    got = names(people.find({"address": {"city": "Paris", "zip": "N1"}}))
    assert got == [], f"a sub-document with an extra key matched {got!r}; expected []"
    for query in ({"name": {"first": "Ada"}}, {"tags": {"0": "navy"}}):
        got = names(people.find(query))
        assert got == [], (
            f"find({query!r}) returned {got!r}; expected []: a string or an array never equals "
            "a sub-document"
        )


@pytest.mark.task(2)
@pytest.mark.parametrize(
    ("query", "want"),
    [({"flags": [True, False]}, ["F"]), ({"flags": [1, 0]}, ["N"]),
     ({"opts": {"on": True}}, ["F"]), ({"opts": {"on": 1}}, ["N"])],
    ids=["bool-array", "int-array", "bool-sub-document", "int-sub-document"],
)
def test_true_is_not_one_inside_arrays_and_sub_documents_either(query, want):
    col = Collection(id_factory=counting_ids())
    col.insert({"name": "F", "flags": [True, False], "opts": {"on": True}})
    col.insert({"name": "N", "flags": [1, 0], "opts": {"on": 1}})
    got = names(col.find(query))
    assert got == want, (
        f"find({query!r}) returned {got!r}; expected {want!r}. F has flags [True, False] and "
        "opts {'on': True}, N has [1, 0] and {'on': 1}: equality keeps JSON types at every depth"
    )


# --- Task 2: the deliberate simplifications -----------------------------------------------------


@pytest.mark.task(2)
def test_simplification_sub_document_equality_ignores_key_order(people):
    got = names(people.find({"address": {"zip": "N1", "city": "London"}}))
    assert got == ["Ada"], (
        f"find({{'address': {{'zip': 'N1', 'city': 'London'}}}}) returned {got!r}; expected "
        "['Ada']: this store compares sub-documents as dicts, whatever their key order (MongoDB "
        "would not, a deliberate simplification listed in the README)"
    )


@pytest.mark.task(2)
@pytest.mark.parametrize(
    "query",
    [{"items.sku": "a"}, {"items.0.sku": "a"}, {"tags.0": "navy"},
     {"items.sku": {"$exists": True}}],
    ids=["path-into-array-of-objects", "numeric-index-then-field", "numeric-index",
         "exists-through-array"],
)
def test_simplification_paths_never_enter_arrays(query):
    col = Collection(id_factory=counting_ids())
    col.insert({"name": "order", "items": [{"sku": "a"}], "tags": ["navy"]})
    got = names(col.find(query))
    assert got == [], (
        f"find({query!r}) on {{'items': [{{'sku': 'a'}}], 'tags': ['navy']}} returned {got!r}; "
        "expected []: in this store a path that meets a list is missing (MongoDB would look "
        "inside; a deliberate simplification listed in the README)"
    )
    got = names(col.find({"items": {"$exists": True}}))
    assert got == ["order"], f"find({{'items': {{'$exists': True}}}}) returned {got!r}"


# --- Task 3: update -------------------------------------------------------------------------------


@pytest.mark.task(3)
def test_set_and_unset_change_every_matching_document_and_return_the_count(people):
    count = people.update({"age": {"$gt": 30}}, {"$set": {"senior": True}, "$unset": {"age": ""}})
    assert count == 2, f"update(...) returned {count!r}; expected 2 matching documents"
    ada = people.find_one({"name": "Ada"})
    assert ada["senior"] is True and "age" not in ada, f"after $set/$unset Ada is {ada!r}"
    linus = people.find_one({"name": "Linus"})
    assert "senior" not in linus and linus["age"] == "twenty-one", (
        f"a non-matching doc changed: {linus!r}"
    )


@pytest.mark.task(3)
def test_set_and_unset_follow_dotted_paths_and_create_missing_objects(people):
    people.update({"name": "Ada"},
                  {"$set": {"address.city": "Cambridge"}, "$unset": {"address.zip": 1}})
    people.update({"name": "Grace"}, {"$set": {"address.geo.lat": 38.9}})
    people.update({"name": "Bot"}, {"$unset": {"no.such.path": ""}})
    ada = people.find_one({"name": "Ada"})
    assert ada["address"] == {"city": "Cambridge"}, f"Ada's address is {ada['address']!r}"
    grace = people.find_one({"name": "Grace"})
    assert grace.get("address") == {"geo": {"lat": 38.9}}, (
        f"$set on 'address.geo.lat' left Grace as {grace!r}; expected the missing objects created"
    )


@pytest.mark.task(3)
def test_set_stores_a_copy_of_its_value(people):
    tags = ["a"]
    people.update({"name": "Ada"}, {"$set": {"tags": tags}})
    tags.append("b")
    got = people.find_one({"name": "Ada"})["tags"]
    assert got == ["a"], f"mutating the list passed to $set changed the stored doc to {got!r}"


@pytest.mark.task(3)
@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"name": "Replaced"}, InvalidQuery),
        ({"$inc": {"age": 1}}, UnknownOperator),
        ({"$set": {"_id": "mine"}}, InvalidQuery),
        ({"$set": {"when": dt.date(2024, 1, 1)}}, InvalidDocument),
        ({"$set": {"name.first": "A"}}, InvalidQuery),
        ({"$set": ["age", 1]}, InvalidQuery),
        ({"$set": "age"}, InvalidQuery),
        ({"$unset": ["age"]}, InvalidQuery),
        ({}, InvalidQuery),
    ],
    ids=["replacement-doc", "inc", "set-id", "set-date", "set-through-string", "set-a-list",
         "set-a-str", "unset-a-list", "empty"],
)
def test_bad_updates_raise_and_change_nothing(people, changes, error):
    before = people.find()
    raised = call_refuses(error, people.update, {}, changes)
    assert error is UnknownOperator or not isinstance(raised, UnknownOperator), (
        f"update({{}}, {changes!r}) raised UnknownOperator; expected a plain {error.__name__}: "
        "UnknownOperator is for a $ operator this store does not know"
    )
    assert people.find() == before, f"update({{}}, {changes!r}) raised but changed documents"


@pytest.mark.task(3)
def test_a_nested_field_called_id_is_an_ordinary_field(people):
    count = people.update({"name": "Ada"}, {"$set": {"meta._id": "ref-1"}})
    ada = people.find_one({"name": "Ada"})
    assert count == 1 and ada.get("meta") == {"_id": "ref-1"}, (
        f"update({{'name': 'Ada'}}, {{'$set': {{'meta._id': 'ref-1'}}}}) returned {count!r} and "
        f"left Ada as {ada!r}; only the document's own top-level _id is protected"
    )


# --- Task 4: schema -------------------------------------------------------------------------------


@pytest.fixture
def user_schema() -> Schema:
    return Schema({
        "email": Field(str, required=True),
        "age": Field(int, required=True),
        "score": Field(float),
        "role": Field(str, default="member"),
        "tags": Field(list, default=list),
        "prefs": Field(dict, default={"theme": "light"}),
    })


@pytest.mark.task(4)
def test_schema_fills_defaults_and_keeps_fields_it_does_not_name(user_schema):
    col = Collection(schema=user_schema)
    doc_id = col.insert({"email": "a@example.com", "age": 36, "score": 3, "nickname": "ada"})
    got = col.find_one({"_id": doc_id})
    want = {"_id": doc_id, "email": "a@example.com", "age": 36, "score": 3, "nickname": "ada",
            "role": "member", "tags": [], "prefs": {"theme": "light"}}
    assert got == want, f"stored {got!r}; expected defaults filled and extra fields kept: {want!r}"


@pytest.mark.task(4)
def test_defaults_are_fresh_for_every_document(user_schema):
    first = user_schema.validate({"email": "a@example.com", "age": 1})
    first["tags"].append("x")
    first["prefs"]["theme"] = "dark"
    second = user_schema.validate({"email": "b@example.com", "age": 2})
    assert second["tags"] == [] and second["prefs"] == {"theme": "light"}, (
        f"after mutating one validated document, the next one got {second!r}; "
        "defaults must not be shared between documents"
    )


@pytest.mark.task(4)
def test_validation_error_lists_every_problem_at_once(user_schema):
    col = Collection(schema=user_schema)
    error = call_refuses(ValidationError, col.insert,
                         {"age": True, "score": "high", "tags": "not-a-list"})
    problems = error.problems
    assert isinstance(problems, list) and len(problems) == 4, (
        f"ValidationError.problems is {problems!r}; expected 4 problems "
        "(email missing, age a bool, score a str, tags a str)"
    )
    for field_name in ("email", "age", "score", "tags"):
        assert any(field_name in p for p in problems), (
            f"no problem mentions {field_name!r}: {problems!r}"
        )
    assert len(col) == 0, "an invalid document was stored"


@pytest.mark.task(4)
def test_a_float_field_accepts_an_int(user_schema):
    ok = user_schema.validate({"email": "a@example.com", "age": 3, "score": 7})
    assert ok["score"] == 7, f"validate(... score=7) returned {ok!r}; a float field accepts an int"


@pytest.mark.task(4)
@pytest.mark.parametrize(
    "bad",
    [{"email": "a@example.com", "age": 3.5}, {"email": "a@example.com", "age": "3"},
     {"email": "a@example.com", "age": 3, "score": False}, {"email": None, "age": 3},
     {"email": "a@example.com", "age": True}],
    ids=["int-field-float", "int-field-str", "float-field-bool", "required-None", "int-field-bool"],
)
def test_schema_types_are_strict_about_bool_and_float(user_schema, bad):
    error = call_raises(ValidationError, user_schema.validate, bad)
    assert len(error.problems) == 1, f"validate({bad!r}) listed {error.problems!r}; expected 1"


@pytest.mark.task(4)
def test_an_update_that_breaks_the_schema_changes_no_document(user_schema):
    col = Collection(schema=user_schema, id_factory=counting_ids())
    col.insert({"email": "a@example.com", "age": 36})
    col.insert({"email": "b@example.com", "age": 85})
    before = col.find()
    call_raises(ValidationError, col.update, {}, {"$set": {"age": "old"}})
    call_raises(ValidationError, col.update, {"email": "b@example.com"}, {"$unset": {"email": ""}})
    assert col.find() == before, f"a rejected update changed the store: {col.find()!r}"
    assert col.update({}, {"$set": {"age": 40}}) == 2


@pytest.mark.task(4)
@pytest.mark.parametrize(
    "bad_type", [set, tuple, "str", None], ids=["set", "tuple", "str-name", "None"]
)
def test_a_field_of_another_type_raises_type_error(bad_type):
    call_refuses(TypeError, Field, bad_type)


TYPE_NAMES = {"title": ("str", "string"), "count": ("int", "integer"), "ratio": ("float", "number"),
              "flag": ("bool", "boolean"), "items": ("list", "array"), "meta": ("dict", "object")}


@pytest.mark.task(4)
def test_a_type_problem_names_the_expected_type():
    schema = Schema({"title": Field(str), "count": Field(int), "ratio": Field(float),
                     "flag": Field(bool), "items": Field(list), "meta": Field(dict)})
    bad = {"title": 5, "count": "3", "ratio": "x", "flag": 1, "items": 7, "meta": 7}
    error = call_raises(ValidationError, schema.validate, bad)
    problems = error.problems if isinstance(error.problems, list) else []
    for name, expected in TYPE_NAMES.items():
        mine = [p for p in problems if isinstance(p, str) and p.startswith(name)] or [
            p for p in problems if isinstance(p, str) and name in p]
        assert mine and any(word in mine[0] for word in expected), (
            f"validate({bad!r}) listed problems {error.problems!r}; expected one for {name!r} "
            f"that names the type it expected ({' or '.join(expected)})"
        )


@pytest.mark.task(4)
def test_a_default_that_is_not_json_raises_invalid_document():
    schema = Schema({"meta": Field(dict, default=lambda: {"when": dt.date(2024, 1, 1)})})
    col = Collection(schema=schema, id_factory=counting_ids())
    call_refuses(InvalidDocument, col.insert, {"name": "Ada"})
    assert len(col) == 0, f"a document with a non-JSON default was stored: {col.find()!r}"
    col.insert({"name": "Grace", "meta": {}})
    before = col.find()
    call_refuses(InvalidDocument, col.update, {}, {"$unset": {"meta": ""}})
    assert col.find() == before, (
        f"update({{}}, {{'$unset': {{'meta': ''}}}}) filled in a non-JSON default and stored "
        f"{col.find()!r}; expected InvalidDocument and no change"
    )
