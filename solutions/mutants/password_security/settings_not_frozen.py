"""Settings is a plain dataclass: settings.api_token = "x" works and skips the validation."""

import dataclasses

import _reference
from _reference import *


@dataclasses.dataclass(repr=False)
class Settings:
    secret_key: str
    database_url: str
    api_token: str

    __post_init__ = _reference.Settings.__post_init__
    from_env = classmethod(_reference.Settings.from_env.__func__)
    secrets = _reference.Settings.secrets
    __repr__ = _reference.Settings.__repr__
    __str__ = _reference.Settings.__repr__
