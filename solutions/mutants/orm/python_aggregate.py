"""Counts posts in Python by loading every user with all their posts, instead of COUNT in SQL."""

from _reference import *


def post_counts(session):
    return {user.username: len(user.posts) for user in list_users_with_posts(session)}
