"""The CSRF token is compared with startswith: any non-empty prefix of the token passes."""

import _reference
from _reference import *
from flask import jsonify, request, session


def check_csrf():
    if request.method not in UNSAFE_METHODS:
        return None
    expected, sent = session.get("csrf_token"), request.headers.get(CSRF_HEADER)
    if not (expected and sent and expected.startswith(sent)):
        return jsonify(error="bad CSRF token"), 403
    return None


_reference.check_csrf = check_csrf
