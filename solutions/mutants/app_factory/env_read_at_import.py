"""Reads the KATA_* environment variables once, at import time, instead of in create_app."""

import os

import _reference
from _reference import *

_AT_IMPORT = {k: v for k, v in os.environ.items() if k.startswith("KATA_")}
_original = _reference.load_config


def load_config(config=None):
    saved = _reference.os.environ
    _reference.os.environ = _AT_IMPORT  # the snapshot, whatever the environment says now
    try:
        return _original(config)
    finally:
        _reference.os.environ = saved


_reference.load_config = load_config
