"""Leaves the dataclass repr in place, so printing or logging the settings shows every secret."""

import _reference
from _reference import *


class Settings(_reference.Settings):
    def __repr__(self):
        return (f"Settings(secret_key={self.secret_key!r}, database_url={self.database_url!r}, "
                f"api_token={self.api_token!r})")

    __str__ = __repr__
