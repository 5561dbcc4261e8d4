"""Binds the search term but does not escape LIKE wildcards, so a search for "%" matches all."""

from _reference import *
from sqlalchemy import select, text


def search_posts(session, term):
    if not isinstance(term, str):
        raise TypeError("term")
    if not term.strip():
        raise ValueError("term")
    sql = text("SELECT posts.id, posts.title, posts.author_id FROM posts "
               "WHERE title LIKE :pattern ORDER BY posts.id")
    return list(session.scalars(select(Post).from_statement(sql), {"pattern": f"%{term}%"}))
