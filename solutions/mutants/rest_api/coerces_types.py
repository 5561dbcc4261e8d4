"""Converts fields with str() instead of checking their type, so 123, True or None are accepted."""

import _reference
from _reference import *
from flask import request

_original = _reference.read_user_body


def read_user_body() -> dict[str, str]:
    data = request.get_json(silent=True)
    if isinstance(data, dict) and all(k in data for k in _reference.FIELDS):
        data = {k: str(data[k]) for k in _reference.FIELDS}
        return {k: v.strip() for k, v in data.items()}
    return _original()


_reference.read_user_body = read_user_body
