"""hmac.compare_digest on two str: a non-ASCII X-CSRF-Token raises TypeError, a 500."""

import hmac

import _reference
from _reference import *
from flask import jsonify, request, session


def check_csrf():
    if request.method not in UNSAFE_METHODS:
        return None
    expected, sent = session.get("csrf_token"), request.headers.get(CSRF_HEADER)
    if not (isinstance(expected, str) and sent and hmac.compare_digest(expected, sent)):
        return jsonify(error="bad CSRF token"), 403
    return None


_reference.check_csrf = check_csrf
