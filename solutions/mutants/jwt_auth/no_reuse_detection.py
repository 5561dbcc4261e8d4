"""A used refresh token is refused, but its family is not revoked, so the thief's newer token lives.

RFC 9700 §4.14.2: the server cannot tell which of the two parties replayed the token, so it
revokes the active one too.
"""

import _reference
from _reference import *


class RefreshStore(_reference.RefreshStore):
    def redeem(self, token):
        with self._lock:
            grant = self._grants.get(self._key(token))
            if grant is None or grant.family in self._revoked or grant.used:
                return None
            if self.clock() >= grant.expires_at:
                return None
            grant.used = True
            return grant


_reference.RefreshStore = RefreshStore
