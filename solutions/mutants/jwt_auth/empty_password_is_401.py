"""An empty password is checked against the hash (a 401) instead of refused as malformed (400)."""

import _reference
from _reference import *
from flask import current_app, jsonify, request


def login():
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(error="the body must be a JSON object"), 400
    username, password = data.get("username"), data.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not username:
        return jsonify(error="username and password must be strings"), 400
    user = current_app.config["USERS"].get(username)
    if user is None or not verify_password(user["password_hash"], password):
        return _reference._unauthorized("invalid username or password", invalid_token=False)
    return _reference._token_response(username, user["role"], _reference._store().issue(username))


_reference.login = login
