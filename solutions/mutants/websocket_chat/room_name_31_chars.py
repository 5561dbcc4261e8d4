"""Allows room names of 1-31 characters ({1,31}): a legal 32-character room is refused."""

import re

import _reference
from _reference import *

_reference.ROOM_NAME = re.compile(r"[A-Za-z0-9_-]{1,31}")
