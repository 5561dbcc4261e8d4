"""login upgrades an old hash with hash_password: a password older than the policy cannot log in.

hash_password applies the new-password rules, so the upgrade of a 7-character password raises
PasswordPolicyError in the middle of a correct login.
"""

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
        if self.hasher.check_needs_rehash(stored):
            self.store[username] = hash_password(password, self.hasher)
        return True
