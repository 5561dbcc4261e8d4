"""Keeps the users in a module-level global, so every app (and every test) shares them."""

import _reference
from _reference import *
from _reference import UserStore
from flask import Flask

_STORE = UserStore()


def create_app() -> Flask:
    original = _reference.UserStore
    _reference.UserStore = lambda: _STORE  # every app gets the one global store
    try:
        return _reference.create_app()
    finally:
        _reference.UserStore = original
