"""logout only does session.pop("username"): the wrong key, so the user stays logged in."""

import _reference
from _reference import *
from flask import session


def logout():
    session.pop("username", None)
    return "", 204


_reference.logout = logout
