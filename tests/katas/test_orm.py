"""Tests for the orm kata: SQLAlchemy 2.0 models and a repository on a real SQLite file."""

from __future__ import annotations

import contextlib

import pytest
from kata_support import call_raises, call_refuses
from orm import (
    Base,
    DuplicateUsername,
    Post,
    User,
    add_users,
    list_users_with_posts,
    make_engine,
    post_counts,
    search_posts,
)
from sqlalchemy import event, func, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session


def inserts(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("INSERT")]


def fast_engine(path):
    """make_engine() on a real SQLite file; the tests skip fsync (durability is not under test)."""
    eng = make_engine(f"sqlite:///{path}")

    @event.listens_for(eng, "connect")
    def _no_fsync(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA synchronous = OFF")

    Base.metadata.create_all(eng)
    return eng


@pytest.fixture
def engine(tmp_path):
    eng = fast_engine(tmp_path / "blog.db")
    yield eng
    eng.dispose()


@contextlib.contextmanager
def counting(engine):
    """Count the SQL statements sent to the database inside the block."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def seed(engine, users: int, posts_each: int = 2) -> None:
    with Session(engine) as s:
        for i in range(users):
            s.add(User(username=f"user{i:02d}",
                       posts=[Post(title=f"post {j} by user{i:02d}") for j in range(posts_each)]))
        s.commit()


def usernames_in_db(engine) -> list[str]:
    with Session(engine) as s:
        return list(s.scalars(select(User.username).order_by(User.username)))


@pytest.fixture
def blog(engine):
    """ada: 2 posts, bob: 0 posts, cy: 1 post."""
    with Session(engine) as s:
        s.add_all([
            User(username="ada", posts=[Post(title="Notes on the Analytical Engine"),
                                        Post(title="100% of the bernoulli numbers")]),
            User(username="bob"),
            User(username="cy", posts=[Post(title="snake_case vs camelCase: C:\\path")]),
        ])
        s.commit()
    return engine


# --- Task 1: models -------------------------------------------------------------------------------


@pytest.mark.task(1)
def test_create_all_makes_users_and_posts_tables(engine):
    insp = inspect(engine)
    tables = set(insp.get_table_names())
    assert {"users", "posts"} <= tables, (
        f"tables created: {sorted(tables)}; expected users and posts"
    )
    user_cols = {c["name"] for c in insp.get_columns("users")}
    post_cols = {c["name"] for c in insp.get_columns("posts")}
    assert {"id", "username"} <= user_cols, f"users has columns {sorted(user_cols)}"
    assert {"id", "title", "author_id"} <= post_cols, f"posts has columns {sorted(post_cols)}"
    types = {(table, c["name"]): str(c["type"]) for table in ("users", "posts")
             for c in insp.get_columns(table)}
    wanted = ((("users", "username"), "VARCHAR(50)"), (("posts", "title"), "VARCHAR(200)"))
    for column, want in wanted:
        assert types[column] == want, (
            f"the column {'.'.join(column)} was created as {types[column]}; expected {want} "
            f"(String({want[8:-1]}))"
        )


@pytest.mark.task(1)
def test_posts_and_author_are_two_sides_of_one_relationship(engine):
    with Session(engine) as s:
        s.add(User(username="ada", posts=[Post(title="first"), Post(title="second")]))
        s.commit()
    with Session(engine) as s:
        ada = s.scalars(select(User).where(User.username == "ada")).one()
        titles = [p.title for p in ada.posts]
        assert titles == ["first", "second"], f"ada.posts titles are {titles!r}"
        assert all(p.author is ada for p in ada.posts), "post.author should be the same User object"
        assert all(p.author_id == ada.id for p in ada.posts)


@pytest.mark.task(1)
def test_user_posts_come_in_id_order_whatever_order_the_database_returns_rows(tmp_path):
    """Without ORDER BY a database may return rows in any order; SQLite's
    reverse_unordered_selects pragma makes it return them backwards, so only order_by holds."""
    eng = fast_engine(tmp_path / "reversed.db")

    @event.listens_for(eng, "connect")
    def _reversed(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA reverse_unordered_selects = ON")

    eng.dispose()  # the pooled connection create_all opened predates the listener
    try:
        with Session(eng) as s:
            s.add(User(username="ada", posts=[Post(title=t) for t in ("first", "second", "third")]))
            s.commit()
        with Session(eng) as s:
            ada = s.scalars(select(User).where(User.username == "ada")).one()
            lazy = [p.title for p in ada.posts]
        with Session(eng) as s:
            eager = [[p.title for p in u.posts] for u in list_users_with_posts(s)]
    finally:
        eng.dispose()
    want = ["first", "second", "third"]
    assert lazy == want, (
        f"ada.posts titles are {lazy!r} when the database returns unordered rows backwards; "
        f"expected {want!r}: relationship(..., order_by=Post.id)"
    )
    assert eager == [want], (
        f"list_users_with_posts gave posts {eager!r} when the database returns unordered rows "
        f"backwards; expected [{want!r}]: relationship(..., order_by=Post.id)"
    )


@pytest.mark.task(1)
def test_both_sides_of_the_relationship_update_in_python_before_any_flush():
    ada = User(username="ada")
    first = Post(title="first")
    ada.posts.append(first)
    assert first.author is ada, (
        f"after ada.posts.append(post), post.author is {first.author!r} (no flush yet); expected "
        "ada: relationship(back_populates=...) on both sides keeps them in step in Python"
    )
    Post(title="second", author=ada)
    titles = [p.title for p in ada.posts]
    assert titles == ["first", "second"], (
        f"after Post(title='second', author=ada), ada.posts titles are {titles!r}; expected "
        "['first', 'second']"
    )


@pytest.mark.task(1)
def test_usernames_are_unique_in_the_database(engine):
    with Session(engine) as s:
        s.add_all([User(username="ada"), User(username="ada")])
        call_raises(IntegrityError, s.commit)


@pytest.mark.task(1)
def test_make_engine_turns_on_foreign_key_enforcement(engine):
    with Session(engine) as s:
        s.add(Post(title="orphan", author_id=999))
        # SQLite ignores FOREIGN KEY unless PRAGMA foreign_keys = ON
        call_raises(IntegrityError, s.commit)


# --- Task 2: all-or-nothing batch insert --------------------------------------------------------


@pytest.mark.task(2)
def test_add_users_commits_the_whole_batch_and_returns_the_users(engine):
    with Session(engine) as s:
        users = add_users(s, ["ada", "bob", "Robert'); DROP TABLE users;--"])
        assert [u.username for u in users] == ["ada", "bob", "Robert'); DROP TABLE users;--"]
        assert all(isinstance(u.id, int) for u in users), "returned users should have ids"
    got = usernames_in_db(engine)
    assert got == ["Robert'); DROP TABLE users;--", "ada", "bob"], (
        f"another session sees {got!r}; add_users must commit, storing names as plain text"
    )


@pytest.mark.task(2)
def test_a_batch_with_a_taken_username_in_the_middle_leaves_no_rows(engine):
    seed(engine, users=0)
    with Session(engine) as s:
        add_users(s, ["carol"])
    with Session(engine) as s, counting(engine) as statements:
        error = call_raises(DuplicateUsername, add_users, s, ["dave", "erin", "carol", "frank"])
        assert "carol" in str(error), f"the error {error!r} should name 'carol'"
        assert not inserts(statements), (
            f"add_users(['dave', 'erin', 'carol', 'frank']) with 'carol' taken sent "
            f"{inserts(statements)!r}; expected no INSERT: look the names up in the table first"
        )
        got = usernames_in_db(engine)
        assert got == ["carol"], (
            f"after the failed batch the table holds {got!r}; expected only ['carol'] - "
            "commit once for the whole batch, not per row"
        )
        add_users(s, ["dave"])  # the session is usable after the failure
    assert usernames_in_db(engine) == ["carol", "dave"]


@pytest.mark.task(2)
def test_a_batch_repeating_a_username_is_refused_entirely(engine):
    with Session(engine) as s, counting(engine) as statements:
        error = call_raises(DuplicateUsername, add_users, s, ["gus", "hal", "gus"])
    assert "gus" in str(error), f"the error {error!r} should name 'gus'"
    assert not inserts(statements), (
        f"add_users(['gus', 'hal', 'gus']) sent {inserts(statements)!r}; expected no INSERT: "
        "a name repeated in the batch is found in the batch itself"
    )
    assert usernames_in_db(engine) == [], f"rows left: {usernames_in_db(engine)!r}"
    assert issubclass(DuplicateUsername, ValueError), "DuplicateUsername should be a ValueError"


@pytest.mark.task(2)
def test_a_name_taken_between_the_check_and_the_commit_is_a_duplicate_username(engine):
    """Another request inserts 'carol' after add_users looked at the table, before it commits."""

    def racer(session, flush_context, instances):
        with engine.begin() as other:
            other.execute(text("INSERT INTO users (username) VALUES ('carol')"))

    with Session(engine) as s:
        event.listen(s, "before_flush", racer, once=True)
        error = call_raises(DuplicateUsername, add_users, s, ["dave", "carol", "erin"])
        named = [name for name in ("dave", "carol", "erin") if name in str(error)]
        assert named == ["carol"], (
            f"the error {error!r} should name 'carol' only: after the rollback the table shows "
            "which name the other request took"
        )
        assert isinstance(error.__cause__, IntegrityError), (
            f"DuplicateUsername.__cause__ is {error.__cause__!r}; expected the IntegrityError "
            "from the commit (raise DuplicateUsername(...) from exc)"
        )
        got = usernames_in_db(engine)
        assert got == ["carol"], (
            f"after the commit failed the table holds {got!r}; expected only the other "
            "request's 'carol'"
        )
        add_users(s, ["dave"])  # rolled back, so the session works again
    assert usernames_in_db(engine) == ["carol", "dave"], (
        f"add_users(s, ['dave']) after the failed commit left {usernames_in_db(engine)!r}; roll "
        "back the session when the commit fails"
    )


@pytest.mark.task(2)
def test_a_50_character_username_is_accepted(engine):
    name = "x" * 50
    with Session(engine) as s:
        users = add_users(s, [name, "y"])
        got = [u.username for u in users]
    assert got == [name, "y"], f"add_users(s, ['x' * 50, 'y']) returned users {got!r}"
    assert usernames_in_db(engine) == [name, "y"], f"the table holds {usernames_in_db(engine)!r}"


@pytest.mark.task(2)
@pytest.mark.parametrize(
    ("bad", "error"),
    [("", ValueError), ("   ", ValueError), ("x" * 51, ValueError), (None, TypeError),
     (42, TypeError), (b"ada", TypeError)],
    ids=["empty", "blank", "51-chars", "None", "int", "bytes"],
)
def test_add_users_rejects_bad_usernames_before_inserting_any(engine, bad, error):
    with Session(engine) as s:
        call_refuses(error, add_users, s, ["ok_user", bad])
    assert usernames_in_db(engine) == [], f"add_users(['ok_user', {bad!r}]) left rows behind"


# --- Task 3: eager loading ----------------------------------------------------------------------


@pytest.mark.task(3)
def test_list_users_with_posts_orders_users_by_name_and_loads_their_posts(blog):
    with Session(blog) as s:
        users = list_users_with_posts(s)
        got = [(u.username, [p.title for p in u.posts]) for u in users]
    want = [("ada", ["Notes on the Analytical Engine", "100% of the bernoulli numbers"]),
            ("bob", []), ("cy", ["snake_case vs camelCase: C:\\path"])]
    assert got == want, f"list_users_with_posts returned {got!r}; expected {want!r}"


def statements_to_list_and_read_posts(engine) -> tuple[int, int]:
    with Session(engine) as s, counting(engine) as statements:
        users = list_users_with_posts(s)
        posts = sum(len(u.posts) for u in users)
    return len(statements), posts


@pytest.mark.task(3)
def test_listing_uses_the_same_number_of_queries_for_3_and_for_30_users(engine, tmp_path):
    seed(engine, users=3)
    few, few_posts = statements_to_list_and_read_posts(engine)
    big = fast_engine(tmp_path / "big.db")
    try:
        seed(big, users=30)
        many, many_posts = statements_to_list_and_read_posts(big)
    finally:
        big.dispose()
    assert (few_posts, many_posts) == (6, 60), f"read {few_posts} and {many_posts} posts"
    assert few == many <= 2, (
        f"listing 3 users and reading their posts took {few} statements, for 30 users {many}; "
        "expected the same small number (N+1 queries: load the posts with selectinload)"
    )


# --- Task 4: aggregate in SQL --------------------------------------------------------------------


@pytest.mark.task(4)
def test_post_counts_include_users_without_posts(blog):
    with Session(blog) as s:
        got = post_counts(s)
    assert got == {"ada": 2, "bob": 0, "cy": 1}, (
        f"post_counts returned {got!r}; expected every user, bob with 0 (an inner join drops him)"
    )


@pytest.mark.task(4)
def test_post_counts_run_as_one_query_without_loading_posts(blog):
    with Session(blog) as s, counting(blog) as statements:
        post_counts(s)
        loaded = [type(o).__name__ for o in s.identity_map.values()]
    assert len(statements) == 1, (
        f"post_counts sent {len(statements)} statements; expected 1 (func.count + group_by)"
    )
    assert "Post" not in loaded, f"post_counts loaded ORM objects {loaded!r}; count in SQL instead"
    assert "COUNT" in statements[0].upper(), f"the statement was {statements[0]!r}; no COUNT in it"


# --- Task 5: raw SQL search with bound parameters ----------------------------------------------


@pytest.mark.task(5)
def test_search_posts_finds_titles_containing_the_term_ignoring_ascii_case(blog):
    with Session(blog) as s:
        got = [p.title for p in search_posts(s, "the")]
        assert all(isinstance(p, Post) for p in search_posts(s, "the")), "return Post objects"
    assert got == ["Notes on the Analytical Engine", "100% of the bernoulli numbers"], (
        f"search_posts(s, 'the') returned {got!r}"
    )
    with Session(blog) as s:
        got = [p.title for p in search_posts(s, "ANALYTICAL")]
    assert got == ["Notes on the Analytical Engine"], f"search is case-insensitive, got {got!r}"


@pytest.mark.task(5)
@pytest.mark.parametrize(
    "payload",
    ["' OR '1'='1", "%' OR 1=1 --", "x' UNION SELECT id, username, id FROM users --"],
    ids=["or-1-1", "comment", "union"],
)
def test_injection_payloads_are_searched_as_plain_text_and_match_nothing(blog, payload):
    with Session(blog) as s:
        got = [p.title for p in search_posts(s, payload)]
    assert got == [], f"search_posts(s, {payload!r}) returned {got!r}; expected [] - bind the term"


@pytest.mark.task(5)
def test_a_drop_table_payload_leaves_the_users_table_intact(blog):
    with Session(blog) as s:
        got = search_posts(s, "'; DROP TABLE users; --")
    assert got == [], f"the DROP TABLE payload returned {got!r}; expected []"
    with Session(blog) as s:
        remaining = s.scalar(select(func.count()).select_from(User))
        tables = set(inspect(blog).get_table_names())
    assert "users" in tables and remaining == 3, (
        f"users table: present={'users' in tables}, rows={remaining}; expected 3 rows intact"
    )


@pytest.mark.task(5)
def test_like_wildcards_in_the_term_match_literally(blog):
    with Session(blog) as s:
        percent = [p.title for p in search_posts(s, "%")]
        underscore = [p.title for p in search_posts(s, "_")]
        backslash = [p.title for p in search_posts(s, "C:\\path")]
    assert percent == ["100% of the bernoulli numbers"], (
        f"search_posts(s, '%') returned {percent!r}; "
        "a % typed by the user is a literal percent sign"
    )
    assert underscore == ["snake_case vs camelCase: C:\\path"], f"'_' matched {underscore!r}"
    assert backslash == ["snake_case vs camelCase: C:\\path"], f"'C:\\path' matched {backslash!r}"


@pytest.mark.task(5)
@pytest.mark.parametrize(("term", "error"), [("", ValueError), ("   ", ValueError),
                                              (None, TypeError), (["the"], TypeError)],
                         ids=["empty", "blank", "None", "list"])
def test_search_posts_rejects_empty_and_non_string_terms(blog, term, error):
    with Session(blog) as s:
        call_refuses(error, search_posts, s, term)
    with Session(blog) as s:
        assert s.scalar(text("SELECT count(*) FROM posts")) == 3
