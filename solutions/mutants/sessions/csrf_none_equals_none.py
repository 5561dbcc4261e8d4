"""The CSRF check is `header != session.get("csrf_token")`: with neither, None == None passes.

A session that never asked for a token accepts every POST without a header, which is exactly
what a forged cross-site request looks like.
"""

import _reference
from _reference import *
from flask import jsonify, request, session


def check_csrf():
    if request.method not in UNSAFE_METHODS:
        return None
    if request.headers.get(CSRF_HEADER) != session.get("csrf_token"):
        return jsonify(error="bad CSRF token"), 403
    return None


_reference.check_csrf = check_csrf
