"""Users and posts with SQLAlchemy 2.0-style models, and a small repository.

Read katas/orm.md for the tasks. Use the 2.0 API only: DeclarativeBase, Mapped, mapped_column,
relationship, select(), Session.scalars/execute - not db.Model or session.query().
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Engine, ForeignKey, String, create_engine, event, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    selectinload,
)


class Base(DeclarativeBase):
    pass


class User:
    """Task 1: a mapped class (subclass Base) for table "users": id (int primary key),
    username (String(50), unique), posts (list of Post, back_populates="author", in id order)."""

    def __init__(self, **kwargs: object) -> None:
        raise NotImplementedError("Task 1: map User")


class Post:
    """Task 1: a mapped class for table "posts": id (int primary key), title (String(200)),
    author_id (foreign key to users.id), author (the User, back_populates="posts")."""

    def __init__(self, **kwargs: object) -> None:
        raise NotImplementedError("Task 1: map Post")


class DuplicateUsername(ValueError):
    """A username in the batch is already taken (or appears twice in the batch)."""

    def __init__(self, username: str) -> None:
        self.username = username
        super().__init__(f"username {username!r} is already taken")


def make_engine(url: str) -> Engine:
    """Task 1: create_engine(url), plus a "connect" event listener that runs
    PRAGMA foreign_keys = ON on every new SQLite connection."""
    raise NotImplementedError("Task 1: make_engine")


def add_users(session: Session, usernames: Iterable[str]) -> list[User]:
    """Task 2: insert a User per name and commit once; on any problem insert none and raise
    (DuplicateUsername naming the name, ValueError/TypeError with a message for bad names).
    Repeated and taken names are refused before any INSERT is sent; a name taken at commit
    time (IntegrityError) is rolled back and looked up again to name it."""
    raise NotImplementedError("Task 2: add_users")


def list_users_with_posts(session: Session) -> list[User]:
    """Task 3: every user ordered by username, posts loaded eagerly (no N+1)."""
    raise NotImplementedError("Task 3: list_users_with_posts")


def post_counts(session: Session) -> dict[str, int]:
    """Task 4: {username: number of posts} for every user, computed in one SQL query."""
    raise NotImplementedError("Task 4: post_counts")


def search_posts(session: Session, term: str) -> list[Post]:
    """Task 5: posts whose title contains `term`, with a text() query and a bound parameter.
    A non-str term is a TypeError, an empty or blank one a ValueError, each with a message."""
    raise NotImplementedError("Task 5: search_posts")
