"""whoami reads session["user"] directly: an anonymous visitor gets a KeyError, i.e. a 500."""

import _reference
from _reference import *
from flask import jsonify, session


def whoami():
    return jsonify(user=session["user"])


_reference.whoami = whoami
