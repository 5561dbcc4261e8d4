"""Finds duplicates with startswith(), so 'anne' is refused once 'ann' exists."""

import _reference
from _reference import *


def _check_unique(self, data, ignore_id=None):
    for user in self.users.values():
        if user["id"] == ignore_id:
            continue
        for name in _reference.FIELDS:
            if data[name].casefold().startswith(user[name].casefold()):
                raise _reference.ApiError(409, f"a user with this {name} already exists")


_reference.UserStore._check_unique = _check_unique
