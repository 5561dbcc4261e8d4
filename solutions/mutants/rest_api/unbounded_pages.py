"""Uses request.args.get(..., type=int) with no bounds: page=0, per_page=0 or 10000 pass."""

import _reference
from _reference import *
from flask import request


def int_arg(name: str, default: int, low: int, high: int) -> int:
    # type=int silently falls back to the default on garbage, and nothing checks the range.
    return request.args.get(name, default, type=int)


_reference.int_arg = int_arg
