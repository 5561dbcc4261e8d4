"""Parses every frame with an unguarded json.loads: bad JSON crashes the handler (close 1011).

One malformed frame from one client ends that client's connection instead of earning an error.
"""

import json

from _reference import *


class ChatServer(ChatServer):
    async def _read(self, ws, member):
        async for raw in ws:
            data = json.loads(raw)
            self.hub.publish(member.room, member.user, data["text"])
