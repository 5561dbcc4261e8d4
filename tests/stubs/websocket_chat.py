"""A WebSocket chat hub: rooms, per-client bounded queues, slow consumers dropped, token auth.

Read the kata's README (katas/websocket_chat.md) for the wire protocol and what each task asks.
``ChatHub`` is plain asyncio; ``ChatServer`` serves it with the ``websockets`` library
(``from websockets.asyncio.server import serve``). Every error raised says what was wrong in its
message, and every close the server starts itself (1008, 1013) carries a short reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

CLOSE_GOING_AWAY = 1001  # the server shuts down
CLOSE_POLICY_VIOLATION = 1008  # missing or bad token, bad room name
CLOSE_TOO_SLOW = 1013  # "try again later": the client did not keep up and was dropped
MAX_TEXT_LENGTH = 4096  # characters in one chat message
MAX_FRAME_BYTES = 64 * 1024  # bigger frames must be refused (close code 1009)


@dataclass(eq=False)
class Member:
    """One client in one room: its own bounded outbox of encoded JSON frames."""

    room: str
    user: str
    queue: asyncio.Queue[str]
    dropped: asyncio.Event = field(default_factory=asyncio.Event)


class ChatHub:
    """Rooms of members. Publishing never awaits a client: a full outbox drops its owner."""

    def __init__(self, queue_size: int = 64) -> None:
        """Task 1: ``TypeError`` unless an int (not bool), ``ValueError`` if < 1."""
        raise NotImplementedError("Task 1: remember the queue size, start with no rooms")

    def join(self, room: str, user: str) -> Member:
        """Task 1: add a member with ``asyncio.Queue(maxsize=queue_size)`` to ``room``.
        Room names are 1-32 of ``A-Z a-z 0-9 _ -``; anything else is a ``ValueError`` (here,
        in ``members`` and in ``publish``), and so is a ``user`` that is not a non-empty str."""
        raise NotImplementedError("Task 1: create and register a Member")

    def leave(self, member: Member) -> None:
        """Task 1: remove ``member`` from its room; leaving twice is harmless."""
        raise NotImplementedError("Task 1: unregister the member")

    def members(self, room: str) -> list[str]:
        """Task 1: the user names in ``room``, in join order."""
        raise NotImplementedError("Task 1: list the room's users")

    def offer(self, member: Member, frame: str) -> bool:
        """Task 1: ``put_nowait`` the frame; on ``QueueFull`` drop the member (leave the room,
        set ``member.dropped``) and return False. A member already dropped gets nothing more:
        return False without queueing."""
        raise NotImplementedError("Task 1: queue without waiting, drop on overflow")

    def publish(self, room: str, user: str, text: str) -> dict[str, Any]:
        """Task 1: build ``{"type": "message", "room", "user", "text", "seq"}`` (seq counts
        from 1 per room), offer its JSON to every member of ``room`` and return the dict."""
        raise NotImplementedError("Task 1: number the message and offer it to the room")


class ChatServer:
    """Serves a ``ChatHub`` at ``ws://host:port/rooms/<room>?token=<token>``."""

    def __init__(
        self,
        hub: ChatHub,
        tokens: Mapping[str, str],
        *,
        origins: Collection[str] = (),
        host: str = "127.0.0.1",
        port: int = 0,
        drop_grace: float = 5.0,
    ) -> None:
        """Task 2: ``tokens`` maps each valid token to its user name; ``origins`` lists the web
        origins a browser may connect from (a single ``str`` is a ``TypeError``; keep a copy).
        ``TypeError`` unless ``hub`` is a ChatHub; ``ValueError`` unless ``tokens`` holds at
        least one token and every token is a non-empty str.
        Task 4: ``drop_grace`` is how many seconds a dropped client gets to take its 1013 close
        frame before the transport is aborted (``TypeError`` unless a number, not a bool;
        ``ValueError`` unless positive and finite)."""
        raise NotImplementedError("Task 2: keep the hub, the tokens, the origins and the address")

    @property
    def port(self) -> int:
        """Task 2: the port the server is bound to (``RuntimeError`` before ``start()``)."""
        raise NotImplementedError("Task 2: read the bound port from the server's socket")

    async def start(self) -> int:
        """Task 2: start ``websockets.asyncio.server.serve`` (``max_size``, ``origins``); return
        the bound port. Starting a started server is a ``RuntimeError``."""
        raise NotImplementedError("Task 2: start serving")

    async def stop(self) -> None:
        """Task 5: close every client with 1001 (``server.close()``) and wait for the handlers
        (``wait_closed()``); calling it twice is harmless."""
        raise NotImplementedError("Task 5: shut down cleanly")

    async def __aenter__(self) -> ChatServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()
