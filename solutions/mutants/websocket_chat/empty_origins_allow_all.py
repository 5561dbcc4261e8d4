"""Passes origins to serve() only when some were given: with the default () every site may connect.

`origins=list(origins) or None` reads "no list" as "no check", the opposite of the README.
"""

from _reference import *
from _reference import MAX_FRAME_BYTES
from websockets.asyncio.server import serve


class ChatServer(ChatServer):
    async def start(self):
        origins = [*self._origins, None] if self._origins else None
        self._server = await serve(self._handle, self.host, self._port, max_size=MAX_FRAME_BYTES,
                                   origins=origins)
        return self.port
