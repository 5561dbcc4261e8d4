"""Puts the raw DATABASE_URL, password included, in the ConfigError message."""

import _reference
from _reference import *
from sqlalchemy import create_engine
from sqlalchemy.exc import ArgumentError


def make_engine(url, echo):
    try:
        return create_engine(url, echo=echo)
    except (ArgumentError, ImportError) as exc:
        raise ConfigError(f"DATABASE_URL {url!r} cannot be used: {exc}") from None


_reference.make_engine = make_engine
