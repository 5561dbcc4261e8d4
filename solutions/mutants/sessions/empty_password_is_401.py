"""An empty password is checked against the hash (a 401) instead of refused as malformed (400)."""

import _reference
from _reference import *
from flask import current_app, jsonify, request, session
from werkzeug.security import check_password_hash


def login():
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(error="the body must be a JSON object"), 400
    username, password = data.get("username"), data.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not username:
        return jsonify(error="username and password must be strings"), 400
    stored = current_app.config["USERS"].get(username)
    if stored is None or not check_password_hash(stored, password):
        return jsonify(error="invalid username or password"), 401
    session.clear()
    session["user"] = username
    return jsonify(user=username)


_reference.login = login
