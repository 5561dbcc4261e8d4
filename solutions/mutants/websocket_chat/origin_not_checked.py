"""Checks the token but not the Origin header: any web page a logged-in user visits can open the
chat in their name (cross-site WebSocket hijacking)."""

from _reference import *
from _reference import MAX_FRAME_BYTES
from websockets.asyncio.server import serve


class ChatServer(ChatServer):
    async def start(self):
        self._server = await serve(self._handle, self.host, self._port, max_size=MAX_FRAME_BYTES)
        return self.port
