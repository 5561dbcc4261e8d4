"""Awaits every client's send inline while broadcasting: one slow reader stalls the whole room.

`await ws.send(...)` waits when that client's buffers are full, and the loop waits with it.
"""

import json

from _reference import *
from _reference import _parse


class ChatServer(ChatServer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sockets = {}
        self._counters = {}

    async def _serve_member(self, ws, member):
        self._sockets[member] = ws
        try:
            async for raw in ws:
                parsed = _parse(raw)
                if isinstance(parsed, str):
                    await ws.send(parsed)
                    continue
                seq = self._counters.get(member.room, 0) + 1
                self._counters[member.room] = seq
                frame = json.dumps({"type": "message", "room": member.room, "user": member.user,
                                    "text": parsed["text"], "seq": seq})
                for other in list(self.hub._rooms.get(member.room, [])):
                    await self._sockets[other].send(frame)  # waits for the slowest reader
        finally:
            self._sockets.pop(member, None)
