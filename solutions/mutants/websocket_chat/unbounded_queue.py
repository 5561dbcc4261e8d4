"""Gives each client an unbounded queue: a client that never reads is never dropped.

Nothing stalls at first, but the server's memory grows without limit for every sleeping client.
"""

import asyncio

from _reference import *
from _reference import _check_room


class ChatHub(ChatHub):
    def join(self, room, user):
        _check_room(room)
        member = Member(room, user, asyncio.Queue())  # no maxsize: put_nowait never fails
        self._rooms.setdefault(room, []).append(member)
        return member
