"""A failed login answers 200 with "Login failed" instead of a 401."""

import _reference
from _reference import *
from flask import current_app, jsonify, request


def login():
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(error="the body must be a JSON object"), 400
    username, password = data.get("username"), data.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not username:
        return jsonify(error="username and password must be non-empty strings"), 400
    user = current_app.config["USERS"].get(username)
    if user is None or not verify_password(user["password_hash"], password):
        return "Login failed"
    ttl = current_app.config["JWT_TTL"]
    token = create_token(username, user["role"], current_app.config["JWT_SECRET_KEY"], ttl=ttl)
    return jsonify(access_token=token, token_type="Bearer", expires_in=int(ttl.total_seconds()))


_reference.login = login
