"""Builds the search SQL with an f-string, so the term is spliced into the SQL as code."""

from _reference import *
from sqlalchemy import select, text


def search_posts(session, term):
    if not isinstance(term, str):
        raise TypeError("term")
    if not term.strip():
        raise ValueError("term")
    sql = f"SELECT posts.id, posts.title, posts.author_id FROM posts WHERE title LIKE '%{term}%'"
    return list(session.scalars(select(Post).from_statement(text(sql))))
