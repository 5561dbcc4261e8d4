"""Closes a dropped client with 1013 but waits for it without a bound: a client that never reads
keeps its handler (and server.stop()) hanging forever."""

import asyncio

from _reference import *
from _reference import CLOSE_TOO_SLOW


class ChatServer(ChatServer):
    async def _serve_member(self, ws, member):
        writer = asyncio.create_task(self._write(ws, member))
        reader = asyncio.create_task(self._read(ws, member))
        dropped = asyncio.create_task(member.dropped.wait())
        tasks = {writer, reader, dropped}
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        if member.dropped.is_set():
            await ws.close(CLOSE_TOO_SLOW, "too slow")
