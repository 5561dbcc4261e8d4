"""A rotated refresh token inherits the expiry of the login's first token instead of its own."""

import _reference
from _reference import *


class RefreshStore(_reference.RefreshStore):
    def issue(self, username, family=None):
        token = super().issue(username, family)
        if family is not None:
            first = min(g.expires_at for g in self._grants.values() if g.family == family)
            self._grants[self._key(token)].expires_at = first
        return token


_reference.RefreshStore = RefreshStore
