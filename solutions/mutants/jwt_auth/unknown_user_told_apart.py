"""An unknown user gets error="invalid_token" in the challenge, a wrong password does not.

The bodies are identical, but the header tells an attacker which usernames exist.
"""

import _reference
from _reference import *
from flask import current_app, request

_right_login = _reference.login


def login():
    response = current_app.make_response(_right_login())
    data = request.get_json(silent=True) or {}
    if response.status_code == 401 and data.get("username") not in current_app.config["USERS"]:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api", error="invalid_token"'
    return response


_reference.login = login
