"""logout answers 200 with a JSON message instead of 204 with an empty body."""

import _reference
from _reference import *
from flask import jsonify, session


def logout():
    session.clear()
    return jsonify(message="logged out")


_reference.logout = logout
