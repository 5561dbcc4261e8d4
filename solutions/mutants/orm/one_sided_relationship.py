"""Declares User.posts and Post.author as two separate relationships without back_populates:
appending a post to user.posts leaves post.author None until a flush."""

from __future__ import annotations

import sqlite3
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

__all__ = [
    "Base",
    "DuplicateUsername",
    "Post",
    "User",
    "add_users",
    "list_users_with_posts",
    "make_engine",
    "post_counts",
    "search_posts",
]

MAX_USERNAME = 50


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(MAX_USERNAME), unique=True)
    posts: Mapped[list[Post]] = relationship(cascade="all, delete-orphan", order_by="Post.id")

    def __repr__(self) -> str:
        return f"User(id={self.id!r}, username={self.username!r})"


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    author: Mapped[User] = relationship(overlaps="posts")

    def __repr__(self) -> str:
        return f"Post(id={self.id!r}, title={self.title!r})"


class DuplicateUsername(ValueError):
    """A username in the batch is already taken (or appears twice in the batch)."""

    def __init__(self, username: str) -> None:
        self.username = username
        super().__init__(f"username {username!r} is already taken")


def make_engine(url: str) -> Engine:
    """An engine whose SQLite connections enforce foreign keys (off by default in SQLite)."""
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _enable_foreign_keys(dbapi_connection, _record) -> None:
        if isinstance(dbapi_connection, sqlite3.Connection):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.close()

    return engine


def _check_username(name: object) -> str:
    if not isinstance(name, str):
        raise TypeError(f"username must be a str, not {type(name).__name__}")
    if not name.strip() or len(name) > MAX_USERNAME:
        raise ValueError(f"username must be 1-{MAX_USERNAME} characters, got {name!r}")
    return name


def add_users(session: Session, usernames: Iterable[str]) -> list[User]:
    """Insert all users in one transaction and commit, or insert none and raise."""
    names = [_check_username(n) for n in usernames]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise DuplicateUsername(name)
        seen.add(name)
    taken = _first_taken(session, names)
    if taken is not None:
        raise DuplicateUsername(taken)
    users = [User(username=n) for n in names]
    session.add_all(users)
    try:
        session.commit()  # one commit for the batch: all rows or none
    except IntegrityError as exc:
        session.rollback()  # a concurrent insert won the race; nothing of ours was kept
        # The error's parameters do not say which row failed; the table does, now.
        raise DuplicateUsername(_first_taken(session, names) or ", ".join(names)) from exc
    return users


def _first_taken(session: Session, names: list[str]) -> str | None:
    return session.scalars(select(User.username).where(User.username.in_(names))).first()


def list_users_with_posts(session: Session) -> list[User]:
    """All users by username, posts loaded up front: 2 queries for any number of users."""
    stmt = select(User).options(selectinload(User.posts)).order_by(User.username)
    return list(session.scalars(stmt))


def post_counts(session: Session) -> dict[str, int]:
    """{username: number of posts} for every user, zero included, computed by the database."""
    stmt = (
        select(User.username, func.count(Post.id))
        .outerjoin(Post, Post.author_id == User.id)  # outer join: users with no posts count 0
        .group_by(User.id)
        .order_by(User.username)
    )
    return {username: count for username, count in session.execute(stmt)}


_SEARCH = text(
    "SELECT posts.id, posts.title, posts.author_id FROM posts "
    r"WHERE posts.title LIKE :pattern ESCAPE '\' ORDER BY posts.id"
)


def search_posts(session: Session, term: str) -> list[Post]:
    """Posts whose title contains `term` (case-insensitive for ASCII), via raw SQL with a bound
    parameter: the term is data, never SQL, and `%`/`_` in it match literally."""
    if not isinstance(term, str):
        raise TypeError(f"term must be a str, not {type(term).__name__}")
    if not term.strip():
        raise ValueError("search term must not be empty")
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    stmt = select(Post).from_statement(_SEARCH)
    return list(session.scalars(stmt, {"pattern": f"%{escaped}%"}))
