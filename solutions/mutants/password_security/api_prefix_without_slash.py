"""The API is recognised by path.startswith("/api"), so the page /apidocs is refused with 403."""

import _reference
from _reference import *


def _is_api(path):
    return path.startswith("/api")


_reference._is_api = _is_api
