"""login compares the stored value with the password as plain text (`stored == password`)."""

import _reference
from _reference import *
from flask import current_app, jsonify, request


def login():
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(error="the body must be a JSON object"), 400
    username, password = data.get("username"), data.get("password")
    if not (isinstance(username, str) and isinstance(password, str) and username and password):
        return jsonify(error="username and password must be non-empty strings"), 400
    user = current_app.config["USERS"].get(username)
    if user is None or user["password_hash"] != password:
        return _reference._unauthorized("invalid username or password", invalid_token=False)
    return _reference._token_response(username, user["role"], _reference._store().issue(username))


_reference.login = login
