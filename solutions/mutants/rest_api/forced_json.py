"""Parses every body with get_json(force=True), so a text/plain body is accepted instead of 415."""

import _reference
from _reference import *
from flask import request

_original = _reference.read_user_body


def read_user_body() -> dict[str, str]:
    if not request.is_json and request.get_data():
        data = request.get_json(force=True, silent=True)
        if isinstance(data, dict) and all(isinstance(data.get(k), str) for k in _reference.FIELDS):
            return {k: data[k].strip() for k in _reference.FIELDS}
    return _original()


_reference.read_user_body = read_user_body
