"""Bounds the 1013 close with asyncio.timeout but never aborts the transport when it runs out: the
socket of a client that never reads stays open and the server cannot shut down."""

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
            try:
                async with asyncio.timeout(self._drop_grace):
                    await ws.close(CLOSE_TOO_SLOW, "too slow")
            except TimeoutError:
                pass  # "it will go away eventually"
