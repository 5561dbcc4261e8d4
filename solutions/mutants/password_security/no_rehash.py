"""Never rehashes on login: hashes made with old, weaker parameters stay weak forever."""

import _reference
from _reference import *


class Accounts(_reference.Accounts):
    def login(self, username, password):
        check_password(password)
        stored = self.store.get(username)
        if stored is None:
            verify_password(self._dummy_hash, password, self.hasher)
            _reference.logger.warning("login failed for unknown user %r", username)
            return False
        if not verify_password(stored, password, self.hasher):
            _reference.logger.warning("login failed for user %r", username)
            return False
        return True
