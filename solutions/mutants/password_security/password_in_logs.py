"""Logs the attempted password on a failed login "to help debugging"."""

import _reference
from _reference import *


class Accounts(_reference.Accounts):
    def login(self, username, password):
        ok = super().login(username, password)
        if not ok:
            _reference.logger.debug("bad credentials: %s / %s", username, password)
        return ok
