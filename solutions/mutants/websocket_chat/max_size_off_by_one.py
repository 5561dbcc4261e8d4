"""Passes max_size=MAX_FRAME_BYTES - 1 ("under 64 KiB"), so a frame of exactly 64 KiB is refused."""

from _reference import *
from _reference import MAX_FRAME_BYTES
from websockets.asyncio.server import serve


class ChatServer(ChatServer):
    async def start(self):
        self._server = await serve(self._handle, self.host, self._port,
                                   max_size=MAX_FRAME_BYTES - 1,
                                   origins=[*self._origins, None])
        return self.port
