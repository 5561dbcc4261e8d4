"""Trusts CORS to stop cross-site writes: a form POST from any origin still runs the view."""

import _reference
from _reference import *

_reference.SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"})
