"""offer() returns None when the frame was queued: a caller cannot tell queued from dropped."""

import asyncio

from _reference import *


class ChatHub(ChatHub):
    def offer(self, member, frame):
        if member.dropped.is_set():
            return False
        try:
            member.queue.put_nowait(frame)
        except asyncio.QueueFull:
            self.leave(member)
            member.dropped.set()
            return False
