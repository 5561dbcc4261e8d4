"""The secret length check is `<=`: a secret of exactly 32 characters is refused."""

import _reference
from _reference import *


class Settings(_reference.Settings):
    def __post_init__(self):
        for name in ("secret_key", "api_token"):
            value = getattr(self, name)
            if isinstance(value, str) and len(value) <= MIN_SECRET_LENGTH:
                raise SettingsError(name.upper(), "is too short")
        super().__post_init__()
