"""Keeps a reference to the caller's origins list: an origin the caller appends later is let in."""

from _reference import *
from _reference import MAX_FRAME_BYTES
from websockets.asyncio.server import serve


class ChatServer(ChatServer):
    def __init__(self, hub, tokens, *, origins=(), **kwargs):
        super().__init__(hub, tokens, origins=origins, **kwargs)
        self._caller_origins = origins  # not copied

    async def start(self):
        self._server = await serve(self._handle, self.host, self._port, max_size=MAX_FRAME_BYTES,
                                   origins=[*self._caller_origins, None])
        return self.port
