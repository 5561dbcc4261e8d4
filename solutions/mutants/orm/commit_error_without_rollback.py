"""Turns the IntegrityError at commit into DuplicateUsername but forgets session.rollback(), so the
session refuses every later call (PendingRollbackError)."""

from _reference import *
from _reference import _check_username
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError


def add_users(session, usernames):
    names = [_check_username(n) for n in usernames]
    if len(set(names)) != len(names):
        raise DuplicateUsername(next(n for n in names if names.count(n) > 1))
    taken = session.scalars(select(User.username).where(User.username.in_(names))).first()
    if taken is not None:
        raise DuplicateUsername(taken)
    users = [User(username=n) for n in names]
    session.add_all(users)
    try:
        session.commit()
    except IntegrityError as exc:
        raise DuplicateUsername(", ".join(names)) from exc
    return users
