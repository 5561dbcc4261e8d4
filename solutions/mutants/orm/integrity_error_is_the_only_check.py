"""Never looks at the table or the batch: every duplicate is found by the INSERT failing at commit.

It still refuses the batch, but only after sending the INSERTs, and it cannot tell which name was
taken, so the message names the whole batch.
"""

from _reference import *
from _reference import _check_username
from sqlalchemy.exc import IntegrityError


def add_users(session, usernames):
    names = [_check_username(n) for n in usernames]
    users = [User(username=n) for n in names]
    session.add_all(users)
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise DuplicateUsername(", ".join(names)) from exc
    return users
