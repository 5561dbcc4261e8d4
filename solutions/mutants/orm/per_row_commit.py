"""Commits after every row, so a failing batch leaves the rows before the failure behind."""

from _reference import *
from _reference import _check_username
from sqlalchemy.exc import IntegrityError


def add_users(session, usernames):
    users = []
    for name in usernames:
        user = User(username=_check_username(name))
        session.add(user)
        try:
            session.commit()
        except IntegrityError as exc:
            session.rollback()
            raise DuplicateUsername(name) from exc
        users.append(user)
    return users
