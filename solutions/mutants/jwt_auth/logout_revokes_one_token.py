"""/logout forgets only the token it was sent, not its family: a newer sibling still refreshes."""

import _reference
from _reference import *


class RefreshStore(_reference.RefreshStore):
    def revoke(self, token):
        with self._lock:
            self._grants.pop(self._key(token), None)


_reference.RefreshStore = RefreshStore
