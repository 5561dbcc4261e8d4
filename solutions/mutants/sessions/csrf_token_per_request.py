"""GET /csrf makes a new token on every call: the token another open tab holds stops working."""

import secrets

import _reference
from _reference import *
from flask import jsonify, session


def csrf_token():
    session["csrf_token"] = secrets.token_urlsafe(32)
    return jsonify(csrf_token=session["csrf_token"])


_reference.csrf_token = csrf_token
