"""from_env does not log the loaded settings at INFO: an empty log leaks nothing, says nothing."""

import os

import _reference
from _reference import *


class Settings(_reference.Settings):
    @classmethod
    def from_env(cls, environ=None):
        env = os.environ if environ is None else environ
        values = {}
        for name in ("secret_key", "database_url", "api_token"):
            value = env.get(name.upper(), "").strip()
            if not value:
                raise SettingsError(name.upper(), "is not set")
            values[name] = value
        return cls(**values)
