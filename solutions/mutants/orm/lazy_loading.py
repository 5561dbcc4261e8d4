"""Lists users without eager loading, so reading each user's posts fires one more query (N+1)."""

from _reference import *
from sqlalchemy import select


def list_users_with_posts(session):
    return list(session.scalars(select(User).order_by(User.username)))
