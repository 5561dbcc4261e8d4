"""Checks the stripped username and email but stores them with their surrounding spaces."""

import _reference
from _reference import *
from flask import request

_original = _reference.read_user_body


def read_user_body() -> dict[str, str]:
    _original()
    data = request.get_json(silent=True)
    return {"username": data["username"], "email": data["email"]}


_reference.read_user_body = read_user_body
