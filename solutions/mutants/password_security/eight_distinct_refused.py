"""The distinct-character check is `<=`: a secret with exactly 8 distinct characters is refused."""

import _reference
from _reference import *


class Settings(_reference.Settings):
    def __post_init__(self):
        for name in ("secret_key", "api_token"):
            value = getattr(self, name)
            if isinstance(value, str) and len(set(value)) <= MIN_SECRET_DISTINCT:
                raise SettingsError(name.upper(), "is too repetitive")
        super().__post_init__()
