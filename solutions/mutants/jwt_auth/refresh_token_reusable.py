"""/refresh hands back the same refresh token and never marks it used: no rotation at all.

A stolen refresh token then works for its whole lifetime, side by side with the user's.
"""

import _reference
from _reference import *


class RefreshStore(_reference.RefreshStore):
    def redeem(self, token):
        with self._lock:
            grant = self._grants.get(self._key(token))
            if grant is None or grant.family in self._revoked:
                return None
            if self.clock() >= grant.expires_at:
                return None
            self._last = token
            return grant

    def issue(self, username, family=None):
        if family is not None and getattr(self, "_last", None):
            return self._last
        return super().issue(username, family)


_reference.RefreshStore = RefreshStore
