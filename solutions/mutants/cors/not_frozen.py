"""Declares the policy with a plain @dataclass, so its fields can be reassigned after checking."""

from dataclasses import dataclass

import _reference
from _reference import *


@dataclass
class CorsPolicy:
    allowed_origins: frozenset
    allow_methods: tuple = ("GET", "POST", "PUT", "DELETE")
    allow_headers: tuple = ("Content-Type", "Authorization")
    allow_credentials: bool = True
    max_age: int = 600

    __post_init__ = _reference.CorsPolicy.__post_init__
    is_allowed = _reference.CorsPolicy.is_allowed
    allows_preflight = _reference.CorsPolicy.allows_preflight
