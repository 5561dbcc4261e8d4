"""Refresh expiry compares whole seconds (int timestamps), so a token dies up to 1 s early."""

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
            if int(self.clock().timestamp()) >= int(grant.expires_at.timestamp()):
                return None
            grant.used = True
            return grant


_reference.RefreshStore = RefreshStore
