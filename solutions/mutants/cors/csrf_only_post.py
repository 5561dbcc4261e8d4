"""Refuses cross-origin POSTs only: PUT, PATCH and DELETE from any origin still run."""

import _reference
from _reference import *

_reference.SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})
