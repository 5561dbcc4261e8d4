"""A WebSocket chat hub: rooms, per-client bounded queues, slow consumers dropped, token auth.

The hub is plain asyncio and knows nothing about sockets; ``ChatServer`` puts it behind a real
WebSocket server (the ``websockets`` library, new asyncio API).

Wire protocol (text frames of JSON):

* client -> server: ``{"type": "message", "text": "..."}``
* server -> client: ``{"type": "joined", "room": ..., "user": ...}`` once, first;
  ``{"type": "message", "room": ..., "user": ..., "text": ..., "seq": n}`` for each message in
  the room (the sender included); ``{"type": "error", "error": "..."}`` for a bad frame.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

__all__ = [
    "CLOSE_GOING_AWAY",
    "CLOSE_POLICY_VIOLATION",
    "CLOSE_TOO_SLOW",
    "MAX_FRAME_BYTES",
    "MAX_TEXT_LENGTH",
    "ChatHub",
    "ChatServer",
    "Member",
]

CLOSE_GOING_AWAY = 1001  # the server shuts down
CLOSE_POLICY_VIOLATION = 1008  # missing or bad token, bad room name
CLOSE_TOO_SLOW = 1013  # "try again later": the client did not keep up and was dropped
MAX_TEXT_LENGTH = 4096  # characters in one chat message
MAX_FRAME_BYTES = 64 * 1024  # bigger frames are refused by the library with 1009
DROP_GRACE = 5.0  # default seconds a dropped client gets to read its close frame before we abort

ROOM_NAME = re.compile(r"[A-Za-z0-9_-]{1,32}")


@dataclass(eq=False)
class Member:
    """One client in one room: its own bounded outbox of encoded frames."""

    room: str
    user: str
    queue: asyncio.Queue[str]
    dropped: asyncio.Event = field(default_factory=asyncio.Event)


def _check_room(room: object) -> str:
    if not isinstance(room, str) or not ROOM_NAME.fullmatch(room):
        raise ValueError(f"room names are 1-32 letters, digits, '-' or '_'; got {room!r}")
    return room


class ChatHub:
    """Rooms of members. Publishing never awaits a client: a full outbox drops its owner."""

    def __init__(self, queue_size: int = 64) -> None:
        if isinstance(queue_size, bool) or not isinstance(queue_size, int):
            raise TypeError(f"queue_size must be an int, got {queue_size!r}")
        if queue_size < 1:
            raise ValueError(f"queue_size must be >= 1, got {queue_size}")
        self.queue_size = queue_size
        self._rooms: dict[str, list[Member]] = {}
        self._seq: dict[str, int] = {}

    def join(self, room: str, user: str) -> Member:
        _check_room(room)
        if not isinstance(user, str) or not user:
            raise ValueError(f"user must be a non-empty string, got {user!r}")
        member = Member(room, user, asyncio.Queue(maxsize=self.queue_size))
        self._rooms.setdefault(room, []).append(member)
        return member

    def leave(self, member: Member) -> None:
        """Remove ``member`` from its room; leaving twice is harmless."""
        members = self._rooms.get(member.room, [])
        if member in members:
            members.remove(member)
        if not members:
            self._rooms.pop(member.room, None)

    def members(self, room: str) -> list[str]:
        """The users in ``room``, in join order."""
        return [m.user for m in self._rooms.get(_check_room(room), [])]

    def offer(self, member: Member, frame: str) -> bool:
        """Queue ``frame`` for ``member`` without waiting; drop the member if it is full."""
        if member.dropped.is_set():
            return False
        try:
            member.queue.put_nowait(frame)
        except asyncio.QueueFull:
            # Back-pressure: waiting here would stall the whole room behind one slow reader.
            self.leave(member)
            member.dropped.set()
            return False
        return True

    def publish(self, room: str, user: str, text: str) -> dict[str, Any]:
        """Send a chat message to everyone in ``room`` (the sender included); return it."""
        _check_room(room)
        seq = self._seq.get(room, 0) + 1
        self._seq[room] = seq
        message = {"type": "message", "room": room, "user": user, "text": text, "seq": seq}
        frame = json.dumps(message)  # encode once, not once per member
        for member in list(self._rooms.get(room, [])):  # a copy: offer() may drop members
            self.offer(member, frame)
        return message


def _error(reason: str) -> str:
    return json.dumps({"type": "error", "error": reason})


def _parse(raw: str | bytes) -> str | dict[str, Any]:
    """The chat text of a client frame, or an error frame to send back."""
    if isinstance(raw, bytes):
        return _error("binary frames are not supported; send JSON text")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        return _error("invalid JSON")
    if not isinstance(data, dict):
        return _error("expected a JSON object")
    if data.get("type") != "message":
        return _error(f"unknown message type: {str(data.get('type'))[:40]!r}")
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        return _error("'text' must be a non-empty string")
    if len(text) > MAX_TEXT_LENGTH:
        return _error(f"'text' is longer than {MAX_TEXT_LENGTH} characters")
    return {"text": text}


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
        drop_grace: float = DROP_GRACE,
    ) -> None:
        if not isinstance(hub, ChatHub):
            raise TypeError(f"hub must be a ChatHub, got {type(hub).__name__}")
        if not tokens or not all(isinstance(t, str) and t for t in tokens):
            raise ValueError("tokens must map non-empty token strings to user names")
        if isinstance(origins, str | bytes) or not all(isinstance(o, str) for o in origins):
            # A lone string would be read as a collection of one-letter "origins".
            raise TypeError(f"origins must be a collection of strings, got {origins!r}")
        if isinstance(drop_grace, bool) or not isinstance(drop_grace, int | float):
            raise TypeError(f"drop_grace must be a number of seconds, got {drop_grace!r}")
        if not (math.isfinite(drop_grace) and drop_grace > 0):
            raise ValueError(f"drop_grace must be a positive number of seconds, got {drop_grace!r}")
        self.hub = hub
        # Compare bytes: hmac.compare_digest refuses non-ASCII str (a hostile token would crash).
        self._tokens = [(token.encode(), user) for token, user in tokens.items()]
        self._origins = tuple(origins)  # a copy: the caller's list may change later
        self.host = host
        self._port = port
        self._drop_grace = float(drop_grace)
        self._server: Server | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the server is not started")
        return self._server.sockets[0].getsockname()[1]

    async def start(self) -> int:
        """Start listening; return the bound port (useful with ``port=0``)."""
        if self._server is not None:
            raise RuntimeError("the server is already started")
        self._server = await serve(
            self._handle,
            self.host,
            self._port,
            max_size=MAX_FRAME_BYTES,
            # Browsers always send Origin; a page on another site must not ride a user's
            # connection (cross-site WebSocket hijacking): 403 before any WebSocket exists.
            # None admits clients that send no Origin at all (not browsers; the token still
            # applies to them).
            origins=[*self._origins, None],
        )
        return self.port

    async def stop(self) -> None:
        """Close every client with 1001 (going away) and wait for the handlers to finish."""
        if self._server is None:
            return
        server, self._server = self._server, None
        server.close()  # its default: close every connection with 1001 (CLOSE_GOING_AWAY)
        await server.wait_closed()

    async def __aenter__(self) -> ChatServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def _authenticate(self, query: str) -> str | None:
        values = parse_qs(query, keep_blank_values=True).get("token", [])
        if len(values) != 1:  # missing, or ambiguous like ?token=a&token=b
            return None
        offered = values[0].encode()
        user = None
        for token, name in self._tokens:
            if hmac.compare_digest(offered, token):  # constant time: no timing oracle
                user = name
        return user

    async def _handle(self, ws: ServerConnection) -> None:
        url = urlsplit(ws.request.path)
        # Browsers cannot set headers on a WebSocket, so the token travels in the query string
        # (keep it short-lived and out of access logs).
        user = self._authenticate(url.query)
        if user is None:
            await ws.close(CLOSE_POLICY_VIOLATION, "missing or invalid token")
            return
        room = url.path.removeprefix("/rooms/")
        if not url.path.startswith("/rooms/") or not ROOM_NAME.fullmatch(room):
            await ws.close(CLOSE_POLICY_VIOLATION, "unknown room")
            return

        member = self.hub.join(room, user)
        try:
            # Sent before the writer starts, so it is always the first frame.
            await ws.send(json.dumps({"type": "joined", "room": room, "user": user}))
            await self._serve_member(ws, member)
        except ConnectionClosed:
            pass  # the client went away: nothing to report
        finally:
            self.hub.leave(member)

    async def _serve_member(self, ws: ServerConnection, member: Member) -> None:
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
        for task in (reader, writer):
            if task.done() and not task.cancelled():
                exc = task.exception()
                if exc is not None and not isinstance(exc, ConnectionClosed):
                    raise exc  # a bug: let websockets log it and close with 1011
        if member.dropped.is_set():
            try:
                async with asyncio.timeout(self._drop_grace):
                    await ws.close(CLOSE_TOO_SLOW, "too slow: messages were piling up")
            except TimeoutError:
                ws.transport.abort()  # it never read its close frame either

    async def _write(self, ws: ServerConnection, member: Member) -> None:
        while True:
            frame = await member.queue.get()
            await ws.send(frame)  # only this client's task waits on its socket

    async def _read(self, ws: ServerConnection, member: Member) -> None:
        async for raw in ws:
            parsed = _parse(raw)
            if isinstance(parsed, str):
                self.hub.offer(member, parsed)  # an error frame, through the same outbox
            else:
                self.hub.publish(member.room, member.user, parsed["text"])
