"""A refresh token is still accepted at exactly issue time + JWT_REFRESH_TTL (`>` for `>=`)."""

import _reference
from _reference import *


class RefreshStore(_reference.RefreshStore):
    def redeem(self, token):
        with self._lock:
            grant = self._grants.get(self._key(token))
            if grant is None or grant.family in self._revoked:
                return None
            if grant.used:
                self._revoked.add(grant.family)
                return None
            if self.clock() > grant.expires_at:
                return None
            grant.used = True
            return grant


_reference.RefreshStore = RefreshStore
