"""Checks the table first and trusts that check: an IntegrityError at commit (a name taken by
another request in between) escapes as a raw database error, and the session is left broken."""

from _reference import *
from _reference import _check_username
from sqlalchemy import select


def add_users(session, usernames):
    names = [_check_username(n) for n in usernames]
    if len(set(names)) != len(names):
        raise DuplicateUsername(next(n for n in names if names.count(n) > 1))
    taken = session.scalars(select(User.username).where(User.username.in_(names))).first()
    if taken is not None:
        raise DuplicateUsername(taken)
    users = [User(username=n) for n in names]
    session.add_all(users)
    session.commit()
    return users
