"""Keeps queueing frames for a member that was already dropped, once its queue has room again.

The member has left its room and its connection is being closed: anything queued now is lost work.
"""

import asyncio

from _reference import *


class ChatHub(ChatHub):
    def offer(self, member, frame):
        try:
            member.queue.put_nowait(frame)
        except asyncio.QueueFull:
            self.leave(member)
            member.dropped.set()
            return False
        return True
