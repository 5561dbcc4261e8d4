"""Tests for the websocket_chat kata: an asyncio hub behind a real WebSocket server."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from kata_support import call_refuses, expect_raises
from websocket_chat import (
    CLOSE_TOO_SLOW,
    MAX_FRAME_BYTES,
    MAX_TEXT_LENGTH,
    ChatHub,
    ChatServer,
)
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

TOKENS = {"tok-alice": "alice", "tok-bob": "bob", "tok-carol": "carol", "tok-slow": "slow"}
TOKENS |= {f"tok-user{i}": f"user{i}" for i in range(100)}
WAIT = 2.0  # seconds: the longest any single wait in this suite may take


# -- helpers -----------------------------------------------------------------------------



def close_reason(ws: ClientConnection) -> str | None:
    """The reason in the close frame the server sent (after close_code() has seen it)."""
    return ws.protocol.close_reason


async def recv_json(ws: ClientConnection, what: str = "a frame") -> dict[str, Any]:
    try:
        async with asyncio.timeout(WAIT):
            raw = await ws.recv()
    except TimeoutError:
        pytest.fail(f"waited {WAIT}s for {what}; nothing arrived")
    except ConnectionClosed as exc:
        pytest.fail(f"waited for {what}; the server closed the connection instead ({exc})")
    assert isinstance(raw, str), f"expected a JSON text frame for {what}, got {raw!r}"
    return json.loads(raw)


async def close_code(
    ws: ClientConnection, *, expect_no_frames: bool = False
) -> tuple[int | None, list[str | bytes]]:
    """Read until the server closes; return the close code and the frames that came first.

    With ``expect_no_frames``, give up at the first frame (the connection should have closed).
    """
    frames: list[str | bytes] = []
    try:
        async with asyncio.timeout(WAIT):
            async for frame in ws:
                frames.append(frame)
                if expect_no_frames:
                    return None, frames
    except ConnectionClosed:
        pass
    except TimeoutError:
        return None, frames
    return ws.protocol.close_code, frames  # (ws.close_code is missing in websockets 14)


def say(text: str) -> str:
    return json.dumps({"type": "message", "text": text})


class Clients:
    """Opens WebSocket clients against the server under test and always closes them."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.open: list[ClientConnection] = []

    def url(self, room: str, token: str | None) -> str:
        query = "" if token is None else f"?token={token}"
        return f"ws://127.0.0.1:{self.port}/rooms/{room}{query}"

    async def raw(self, path: str, **kwargs: Any) -> ClientConnection:
        async with asyncio.timeout(WAIT):
            ws = await connect(f"ws://127.0.0.1:{self.port}{path}", open_timeout=WAIT,
                               close_timeout=0.5, **kwargs)
        self.open.append(ws)
        return ws

    async def join(self, room: str, token: str, **kwargs: Any) -> ClientConnection:
        """Connect and wait for the ``joined`` frame, so the client is surely in the room."""
        query = f"?token={token}"
        ws = await self.raw(f"/rooms/{room}{query}", **kwargs)
        frame = await recv_json(ws, f"the 'joined' frame after connecting to room {room!r}")
        want = {"type": "joined", "room": room, "user": TOKENS[token]}
        assert frame == want, f"the first frame after joining was {frame}; expected {want}"
        return ws

    async def close_all(self) -> None:
        for ws in self.open:
            try:
                async with asyncio.timeout(1):
                    await ws.close()
            except TimeoutError:
                ws.transport.abort()


@pytest.fixture
def hub() -> ChatHub:
    return ChatHub(queue_size=32)  # bigger than any burst a test sends without reading


@pytest.fixture
async def server(hub: ChatHub) -> AsyncIterator[ChatServer]:
    srv = ChatServer(hub, TOKENS)
    async with asyncio.timeout(WAIT):
        await srv.start()
    try:
        yield srv
    finally:
        async with asyncio.timeout(5):
            await srv.stop()


@pytest.fixture
async def clients(server: ChatServer) -> AsyncIterator[Clients]:
    c = Clients(server.port)
    try:
        yield c
    finally:
        await c.close_all()


# -- Task 1: the hub -------------------------------------------------------------------------


def drain(member: Any) -> list[dict[str, Any]]:
    out = []
    while not member.queue.empty():
        out.append(json.loads(member.queue.get_nowait()))
    return out


@pytest.mark.task(1)
async def test_publish_reaches_every_member_of_the_room_and_no_one_else() -> None:
    hub = ChatHub(queue_size=4)
    alice, bob = hub.join("lobby", "alice"), hub.join("lobby", "bob")
    carol = hub.join("dev", "carol")
    sent = hub.publish("lobby", "alice", "hello")
    want = {"type": "message", "room": "lobby", "user": "alice", "text": "hello", "seq": 1}
    assert sent == want, f"publish('lobby', 'alice', 'hello') returned {sent}; expected {want}"
    for name, member in (("alice", alice), ("bob", bob)):
        got = drain(member)
        assert got == [want], f"{name}'s queue held {got}; expected [{want}]"
    assert drain(carol) == [], "carol is in room 'dev' but received a message sent to 'lobby'"
    assert hub.members("lobby") == ["alice", "bob"], f"members('lobby') = {hub.members('lobby')}"


@pytest.mark.task(1)
async def test_each_room_numbers_its_messages_in_order() -> None:
    hub = ChatHub(queue_size=10)
    lobby, dev = hub.join("lobby", "alice"), hub.join("dev", "bob")
    for text in ("a", "b", "c"):
        hub.publish("lobby", "alice", text)
    hub.publish("dev", "bob", "x")
    got = [(m["seq"], m["text"]) for m in drain(lobby)]
    assert got == [(1, "a"), (2, "b"), (3, "c")], f"lobby received {got}; expected seq 1-3 in order"
    got = [(m["seq"], m["text"]) for m in drain(dev)]
    assert got == [(1, "x")], f"dev received {got}; each room counts its own sequence from 1"


@pytest.mark.task(1)
async def test_a_full_queue_drops_its_member_without_blocking_the_others() -> None:
    hub = ChatHub(queue_size=2)
    reader, sleeper = hub.join("lobby", "reader"), hub.join("lobby", "sleeper")
    received = []
    for i in range(5):
        result = hub.publish("lobby", "reader", f"m{i}")
        assert not asyncio.iscoroutine(result), (
            "publish() returned a coroutine: publishing must never wait for a client"
        )
        received += drain(reader)
    assert [m["text"] for m in received] == ["m0", "m1", "m2", "m3", "m4"], (
        f"the member that keeps reading got {[m['text'] for m in received]}; expected all five"
    )
    assert sleeper.dropped.is_set(), "the member whose queue (size 2) overflowed was not dropped"
    assert hub.members("lobby") == ["reader"], (
        f"members('lobby') = {hub.members('lobby')} after 'sleeper' overflowed; expected ['reader']"
    )


@pytest.mark.task(1)
@pytest.mark.parametrize(
    "room",
    ["", "a/b", "../etc", "lobby?x=1", "x" * 33, "émoji🙂", "lobby ", "lobby\n", None],
    ids=["empty", "slash", "dot-dot", "query", "33-chars", "non-ascii", "trailing-space",
         "trailing-newline", "None"],
)
async def test_bad_room_names_are_rejected_with_value_error(room: object) -> None:
    hub = ChatHub()
    call_refuses(ValueError, hub.join, room, "alice")
    assert hub.members("lobby") == [], f"a refused join({room!r}) still added a member"
    call_refuses(ValueError, hub.members, room)
    call_refuses(ValueError, hub.publish, room, "alice", "hi")


@pytest.mark.task(1)
@pytest.mark.parametrize("user", ["", None, 42], ids=["empty", "None", "int"])
async def test_a_user_that_is_not_a_non_empty_string_is_rejected(user: object) -> None:
    hub = ChatHub()
    call_refuses(ValueError, hub.join, "lobby", user)
    assert hub.members("lobby") == [], f"a refused join('lobby', {user!r}) still added a member"


@pytest.mark.task(1)
@pytest.mark.parametrize(
    "room",
    ["a", "x" * 32, "Dev_Team-2"],
    ids=["1-char", "32-chars", "letters-digits-underscore-hyphen"],
)
async def test_room_names_at_the_limits_are_accepted(room: str) -> None:
    hub = ChatHub()
    hub.join(room, "alice")
    assert hub.members(room) == ["alice"], f"after join({room!r}, 'alice') members = " + repr(
        hub.members(room)
    )


@pytest.mark.task(1)
@pytest.mark.parametrize(
    ("bad", "error"),
    [(0, ValueError), (-3, ValueError), ("8", TypeError), (True, TypeError), (8.0, TypeError)],
    ids=["zero", "negative", "str-8", "bool-True", "float-8.0"],
)
async def test_bad_queue_sizes_are_rejected(bad: object, error: type[Exception]) -> None:
    call_refuses(error, ChatHub, queue_size=bad)


@pytest.mark.task(1)
async def test_queue_size_sets_every_members_bound_and_defaults_to_64() -> None:
    got = ChatHub().join("lobby", "alice").queue.maxsize
    assert got == 64, f"ChatHub().join('lobby', 'alice').queue.maxsize is {got}; expected 64"
    got = ChatHub(queue_size=1).join("lobby", "alice").queue.maxsize
    assert got == 1, f"ChatHub(queue_size=1) gave a member a queue of maxsize {got}; expected 1"


@pytest.mark.task(1)
async def test_offer_reports_true_when_queued_and_false_when_the_member_is_dropped() -> None:
    hub = ChatHub(queue_size=1)
    alice = hub.join("lobby", "alice")
    first = hub.offer(alice, '{"n": 1}')
    assert first is True, f"offer() into an empty queue of size 1 returned {first!r}; expected True"
    assert not alice.dropped.is_set(), "a member whose frame was queued must not be dropped"
    second = hub.offer(alice, '{"n": 2}')
    assert second is False, f"offer() into a full queue returned {second!r}; expected False"
    assert alice.dropped.is_set(), "offer() into a full queue did not set member.dropped"
    assert hub.members("lobby") == [], f"the dropped member is still listed: {hub.members('lobby')}"
    alice.queue.get_nowait()  # its writer took the frame: the queue has room again
    third = hub.offer(alice, '{"n": 3}')
    assert third is False and alice.queue.empty(), (
        f"offer() to a member that was already dropped returned {third!r} and left its queue "
        f"{'empty' if alice.queue.empty() else 'holding the frame'}; expected False and nothing "
        "queued: a dropped member gets nothing more"
    )


@pytest.mark.task(1)
async def test_leaving_twice_is_harmless_and_empties_the_room() -> None:
    hub = ChatHub()
    alice = hub.join("lobby", "alice")
    hub.leave(alice)
    hub.leave(alice)
    assert hub.members("lobby") == [], f"members('lobby') = {hub.members('lobby')} after leaving"
    hub.publish("lobby", "bob", "anyone?")
    assert drain(alice) == [], "a member that left still received a message"


# -- Task 2: the server and its token check ------------------------------------------------


@pytest.mark.task(2)
async def test_a_valid_token_joins_the_room_on_a_free_loopback_port(
    server: ChatServer, clients: Clients
) -> None:
    assert isinstance(server.port, int) and server.port > 0, f"server.port = {server.port!r}"
    await clients.join("lobby", "tok-alice")


@pytest.mark.task(2)
@pytest.mark.parametrize(
    ("hub_arg", "tokens", "error"),
    [(None, TOKENS, TypeError), ("hub", TOKENS, TypeError), ("chat", {}, ValueError),
     ("chat", {"": "alice"}, ValueError), ("chat", {7: "alice"}, ValueError)],
    ids=["hub-None", "hub-a-str", "no-tokens", "empty-token", "int-token"],
)
async def test_a_bad_hub_or_bad_tokens_are_rejected(
    hub: ChatHub, hub_arg: object, tokens: object, error: type[Exception]
) -> None:
    call_refuses(error, ChatServer, hub if hub_arg == "chat" else hub_arg, tokens)


@pytest.mark.task(2)
async def test_port_before_start_and_a_second_start_are_runtime_errors(hub: ChatHub) -> None:
    srv = ChatServer(hub, TOKENS)
    with expect_raises(RuntimeError, "server.port before start()") as info:
        srv.port  # noqa: B018
    assert str(info.value).strip(), (
        "server.port before start() raised RuntimeError() with no message"
    )
    try:
        async with asyncio.timeout(WAIT):
            await srv.start()
        with expect_raises(RuntimeError, "await server.start() a second time") as info:
            async with asyncio.timeout(WAIT):
                await srv.start()
        assert str(info.value).strip(), "a second start() raised RuntimeError() with no message"
    finally:
        async with asyncio.timeout(5):
            await srv.stop()


@pytest.mark.task(2)
async def test_the_default_port_zero_picks_a_free_port_for_each_server(hub: ChatHub) -> None:
    first, second = ChatServer(hub, TOKENS), ChatServer(hub, TOKENS)
    try:
        async with asyncio.timeout(WAIT):
            ports = (await first.start(), await second.start())
        assert ports == (first.port, second.port), (
            f"start() returned {ports} but .port says {(first.port, second.port)}"
        )
        assert ports[0] > 0 and ports[1] > 0 and ports[0] != ports[1], (
            f"two ChatServer(hub, tokens) without port= bound {ports}; expected two different "
            "free ports (the default port=0 lets the OS choose)"
        )
    finally:
        async with asyncio.timeout(5):
            await first.stop()
            await second.stop()


@pytest.mark.task(2)
async def test_the_default_host_listens_on_127_0_0_1_only(hub: ChatHub) -> None:
    srv = ChatServer(hub, TOKENS)
    try:
        async with asyncio.timeout(WAIT):
            port = await srv.start()
        # Bound to every interface (host="" or "0.0.0.0"), the server also answers on other
        # addresses: 127.0.0.2 (Linux routes all of 127/8 to loopback) or the IPv6 loopback
        # (with host="", asyncio binds one socket per family, each on its own free port).
        for other in ("127.0.0.2", "::1"):
            try:
                async with asyncio.timeout(WAIT):
                    _, writer = await asyncio.open_connection(other, port)
            except OSError:
                continue
            writer.close()
            pytest.fail(f"ChatServer(hub, tokens) without host= also accepted a connection on "
                        f"{other} port {port}; expected it to listen on 127.0.0.1 only (the "
                        "default host), so that nothing but this machine's loopback can reach it")
    finally:
        async with asyncio.timeout(5):
            await srv.stop()


@pytest.mark.task(2)
@pytest.mark.parametrize(
    "query",
    [
        "",
        "?token=",
        "?token=wrong",
        "?token=tok-alicex",
        "?token=TOK-ALICE",
        "?token=tok-ali",
        "?token=%C3%A9%00",
        "?token=tok-alice&token=wrong",
        "?token=&token=tok-alice",
        "?Token=tok-alice",
    ],
    ids=["no-query", "empty-token", "unknown", "longer", "upper-case", "prefix", "non-ascii-nul",
         "two-tokens", "empty-then-valid", "capital-T-name"],
)
async def test_a_missing_or_bad_token_is_closed_with_1008(clients: Clients, query: str) -> None:
    ws = await clients.raw(f"/rooms/lobby{query}")
    code, frames = await close_code(ws, expect_no_frames=True)
    assert code == 1008, (
        f"connecting to /rooms/lobby{query} gave frames {frames[:2]} and close code {code}; "
        "expected the server to close with 1008 (policy violation) before any chat frame"
    )
    assert close_reason(ws), (
        f"connecting to /rooms/lobby{query} was closed with 1008 and an empty reason; expected a "
        "short reason saying why (the token)"
    )


@pytest.mark.task(2)
@pytest.mark.parametrize(
    "path",
    ["/rooms/", "/rooms/a%2Fb", "/lobby", "/rooms/" + "x" * 33, "/roomsX/lobby", "/rooms/lobby/x"],
    ids=["no-room", "encoded-slash", "no-rooms-prefix", "33-chars", "look-alike-prefix",
         "extra-segment"],
)
async def test_a_bad_room_path_is_closed_with_1008(clients: Clients, path: str) -> None:
    ws = await clients.raw(f"{path}?token=tok-alice")
    code, frames = await close_code(ws, expect_no_frames=True)
    assert code == 1008, f"connecting to {path} gave frames {frames[:2]} and close code {code}"
    assert close_reason(ws), (
        f"connecting to {path} was closed with 1008 and an empty reason; expected a short "
        "reason saying why (the room)"
    )


ALLOWED = "https://chat.example"


async def refused_status(port: int, **kwargs: Any) -> int | None:
    """The HTTP status of a refused handshake, or None if the WebSocket opened."""
    try:
        async with asyncio.timeout(WAIT):
            ws = await connect(f"ws://127.0.0.1:{port}/rooms/lobby?token=tok-alice",
                               open_timeout=WAIT, close_timeout=0.5, **kwargs)
    except InvalidStatus as exc:
        return exc.response.status_code
    async with asyncio.timeout(1):
        await ws.close()
    return None


@pytest.fixture
async def guarded(hub: ChatHub) -> AsyncIterator[ChatServer]:
    """A server that lets browsers in only from ALLOWED."""
    allowed = [ALLOWED]
    srv = ChatServer(hub, TOKENS, origins=allowed)
    allowed.append("https://evil.example")  # the caller's list changing later must not matter
    async with asyncio.timeout(WAIT):
        await srv.start()
    try:
        yield srv
    finally:
        async with asyncio.timeout(5):
            await srv.stop()


@pytest.mark.task(2)
@pytest.mark.parametrize(
    "origin",
    [ALLOWED, None],
    ids=["allowed-origin", "no-origin-header"],
)
async def test_an_allowed_origin_or_no_origin_joins(
    guarded: ChatServer, origin: str | None
) -> None:
    clients = Clients(guarded.port)
    try:
        await clients.join("lobby", "tok-alice", origin=origin)
    finally:
        await clients.close_all()


@pytest.mark.task(2)
@pytest.mark.parametrize(
    "origin",
    ["https://evil.example", "https://chat.example.evil.com", "http://chat.example",
     "https://chat.example:8443", "https://sub.chat.example", "null"],
    ids=["other-site", "look-alike-suffix", "http-not-https", "other-port", "subdomain",
         "null-origin"],
)
async def test_a_handshake_from_another_origin_is_refused_with_403(
    guarded: ChatServer, origin: str
) -> None:
    status = await refused_status(guarded.port, origin=origin)
    assert status == 403, (
        f"a handshake with Origin: {origin} (allowed: ChatServer(..., origins=[{ALLOWED!r}])) "
        f"{'opened a WebSocket' if status is None else f'got HTTP {status}'}; expected HTTP 403 "
        "(compare the Origin header exactly: this is how a browser says which site opened the "
        "socket)"
    )


@pytest.mark.task(2)
async def test_without_origins_every_browser_origin_is_refused(server: ChatServer) -> None:
    status = await refused_status(server.port, origin=ALLOWED)
    assert status == 403, (
        f"ChatServer(hub, tokens) without origins= answered a handshake with Origin: {ALLOWED} "
        f"{'by opening a WebSocket' if status is None else f'with HTTP {status}'}; expected 403: "
        "no origins allowed means no browser page may connect"
    )


@pytest.mark.task(2)
async def test_origins_given_as_one_string_is_a_type_error(hub: ChatHub) -> None:
    call_refuses(TypeError, ChatServer, hub, TOKENS, origins=ALLOWED)


# -- Task 3: chatting over the socket --------------------------------------------------------


@pytest.mark.task(3)
async def test_messages_are_broadcast_within_the_room_in_one_order(clients: Clients) -> None:
    alice = await clients.join("lobby", "tok-alice")
    bob = await clients.join("lobby", "tok-bob")
    carol = await clients.join("lobby", "tok-carol")
    for i in range(5):
        await alice.send(say(f"a{i}"))
        await bob.send(say(f"b{i}"))
    seen = {}
    for name, ws in (("alice", alice), ("bob", bob), ("carol", carol)):
        frames = [await recv_json(ws, f"message {n + 1} of 10 at {name}") for n in range(10)]
        seen[name] = [(f["seq"], f["user"], f["text"]) for f in frames]
        assert [s for s, _, _ in seen[name]] == list(range(1, 11)), (
            f"{name} received seq {[s for s, _, _ in seen[name]]}; expected 1..10 in order"
        )
        texts = [t for _, u, t in seen[name] if u == "alice"]
        assert texts == [f"a{i}" for i in range(5)], f"{name} saw alice's messages as {texts}"
    assert seen["alice"] == seen["bob"] == seen["carol"], (
        f"the three clients saw different orders: {seen}"
    )


@pytest.mark.task(3)
async def test_messages_do_not_leak_into_other_rooms(clients: Clients) -> None:
    alice = await clients.join("lobby", "tok-alice")
    bob = await clients.join("dev", "tok-bob")
    await alice.send(say("lobby only"))
    echo = await recv_json(alice, "alice's own message back")
    assert echo["text"] == "lobby only", f"alice got {echo}"
    await bob.send(say("dev marker"))  # sent after alice's message was fully published
    first = await recv_json(bob, "bob's next frame")
    assert first["text"] == "dev marker" and first["room"] == "dev", (
        f"bob (room 'dev') received {first} before his own message: a message sent to 'lobby' "
        "must reach only the members of 'lobby', not everyone (broadcast=True)"
    )


@pytest.mark.task(3)
async def test_the_sender_name_comes_from_the_token_not_the_message(clients: Clients) -> None:
    bob = await clients.join("lobby", "tok-bob")
    await bob.send(json.dumps({"type": "message", "text": "hi", "user": "admin", "seq": 99}))
    got = await recv_json(bob, "the broadcast of bob's message")
    assert (got["user"], got["seq"]) == ("bob", 1), (
        f"bob sent user='admin', seq=99 and the room saw {got}; user and seq are the server's"
    )


BAD_FRAMES = [
    "not json",
    "{'type': 'message'}",
    "[1, 2, 3]",
    "null",
    '"just a string"',
    '{"type": "message"}',
    '{"type": "message", "text": 123}',
    '{"type": "message", "text": "   "}',
    '{"type": "shout", "text": "hi"}',
    json.dumps({"type": "message", "text": "x" * (MAX_TEXT_LENGTH + 1)}),
    b"\x00\xffbinary",
    json.dumps({"type": "message", "text": "sent as binary"}).encode(),
]


@pytest.mark.task(3)
@pytest.mark.parametrize("frame", BAD_FRAMES, ids=[str(f)[:24] for f in BAD_FRAMES])
async def test_a_bad_frame_gets_an_error_frame_and_the_connection_stays_open(
    clients: Clients, frame: str | bytes
) -> None:
    alice = await clients.join("lobby", "tok-alice")
    await alice.send(frame)
    got = await recv_json(alice, f"an error frame answering {frame!r:.40}")
    assert got.get("type") == "error" and isinstance(got.get("error"), str) and got["error"], (
        f"sending {frame!r:.60} returned {got}; expected {{'type': 'error', 'error': '<why>'}}"
    )
    await alice.send(say("still here"))
    got = await recv_json(alice, "the next message after the error")
    assert got.get("text") == "still here", f"after an error frame the next frame was {got}"


@pytest.mark.task(3)
async def test_a_text_of_4096_characters_is_published_and_4097_is_refused(
    clients: Clients,
) -> None:
    alice = await clients.join("lobby", "tok-alice")
    await alice.send(say("x" * 4096))
    got = await recv_json(alice, "the broadcast of a 4096-character message")
    assert got.get("type") == "message" and got.get("text") == "x" * 4096, (
        f"a message of exactly 4096 characters was answered with {str(got)[:80]}; expected its "
        "broadcast: the limit is inclusive"
    )
    await alice.send(say("x" * 4097))
    got = await recv_json(alice, "the answer to a 4097-character message")
    assert got.get("type") == "error", (
        f"a message of 4097 characters was answered with {str(got)[:80]}; expected an error frame"
    )


@pytest.mark.task(3)
async def test_a_frame_over_64_kib_is_refused_with_1009(clients: Clients) -> None:
    alice = await clients.join("lobby", "tok-alice")
    await alice.send(say("€" * 30_000))  # ~180 kB once JSON escapes every euro sign
    code, _ = await close_code(alice)
    assert code == 1009, f"a 180 kB frame got close code {code}; expected 1009 (message too big)"


def frame_of(size: int) -> str:
    """A message frame of exactly ``size`` bytes (its text is far over MAX_TEXT_LENGTH)."""
    empty = say("")
    return say("x" * (size - len(empty.encode())))


@pytest.mark.task(3)
async def test_a_frame_of_exactly_64_kib_gets_an_error_frame_and_one_byte_more_gets_1009(
    clients: Clients,
) -> None:
    assert MAX_FRAME_BYTES == 64 * 1024, f"MAX_FRAME_BYTES is {MAX_FRAME_BYTES}; keep 64 KiB"
    alice = await clients.join("lobby", "tok-alice")
    at_limit = frame_of(MAX_FRAME_BYTES)
    await alice.send(at_limit)
    got = await recv_json(alice, f"the answer to a frame of exactly {MAX_FRAME_BYTES} bytes")
    assert got.get("type") == "error", (
        f"a frame of exactly {MAX_FRAME_BYTES} bytes (text too long) was answered with {got}; "
        "expected an error frame: frames up to MAX_FRAME_BYTES reach your handler"
    )
    await alice.send(frame_of(MAX_FRAME_BYTES + 1))
    code, _ = await close_code(alice)
    assert code == 1009, (
        f"a frame of {MAX_FRAME_BYTES + 1} bytes got close code {code}; expected 1009: pass "
        "max_size=MAX_FRAME_BYTES to serve()"
    )


# -- Task 4: back-pressure -------------------------------------------------------------------


BIG_TEXT = "€" * MAX_TEXT_LENGTH  # ~24 kB per frame once JSON-escaped: buffers fill quickly


async def join_sleeper(clients: Clients) -> ClientConnection:
    """'slow' joins with a tiny kernel receive buffer and stops reading after the joined frame."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
    sock.connect(("127.0.0.1", clients.port))
    return await clients.join("lobby", "tok-slow", sock=sock, max_queue=1, compression=None)


@pytest.mark.task(4)
async def test_a_client_that_never_reads_is_dropped_without_stalling_the_room(
    hub: ChatHub, server: ChatServer, clients: Clients
) -> None:
    alice = await clients.join("lobby", "tok-alice")
    bob = await clients.join("lobby", "tok-bob")
    sleeper = await join_sleeper(clients)
    dropped_at = None
    try:
        for i in range(1, 601):
            await alice.send(say(BIG_TEXT))
            for name, ws in (("alice", alice), ("bob", bob)):
                try:
                    got = await recv_json(ws, f"message {i} at {name}")
                except pytest.fail.Exception:
                    pytest.fail(
                        f"{name} stopped receiving at message {i} while 'slow' was not reading: "
                        "one slow client stalled the room (never await a client's send inline)"
                    )
                assert got["seq"] == i, f"{name} received seq {got['seq']}; expected {i}"
            if dropped_at is None and "slow" not in hub.members("lobby"):
                dropped_at = i
            if dropped_at is not None and i >= dropped_at + 20:
                break  # the room kept flowing after the drop
        assert dropped_at is not None, (
            f"'slow' never read and was still in the room after {i} messages of 24 kB: a "
            "client whose bounded queue is full must be dropped"
        )
        code, frames = await close_code(sleeper)
        assert code == CLOSE_TOO_SLOW == 1013, (
            f"the dropped client's connection ended with close code {code}; expected 1013"
        )
        assert close_reason(sleeper), (
            "the dropped client was closed with 1013 and an empty reason; expected a short "
            "reason saying why"
        )
        seqs = [json.loads(f)["seq"] for f in frames]
        assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) < i, (
            f"the dropped client received seq {seqs[:3]}...{seqs[-3:]}; expected an in-order "
            f"prefix of the {i} messages"
        )
    finally:
        sleeper.transport.abort()  # never leave a stuffed socket behind for the teardown


@pytest.mark.task(4)
async def test_a_dropped_client_that_never_reads_is_cut_off_after_drop_grace(hub: ChatHub) -> None:
    grace = 0.2
    server = ChatServer(hub, TOKENS, drop_grace=grace)
    async with asyncio.timeout(WAIT):
        await server.start()
    clients = Clients(server.port)
    sleeper = None
    try:
        alice = await clients.join("lobby", "tok-alice")
        sleeper = await join_sleeper(clients)
        for i in range(1, 601):
            await alice.send(say(BIG_TEXT))
            await recv_json(alice, f"message {i} at alice")
            if "slow" not in hub.members("lobby"):
                break
        else:
            pytest.fail("'slow' never read 600 messages of 24 kB and was never dropped")
        # 'slow' still never reads: close(1013) cannot complete, so only the grace period ends it.
        try:
            async with asyncio.timeout(grace + 2.0):
                await server.stop()
        except TimeoutError:
            pytest.fail(
                f"ChatServer(..., drop_grace={grace}).stop() was still waiting {grace + 2.0}s "
                "after 'slow' was dropped: its handler hangs in close(1013) because 'slow' never "
                "reads. Bound that close with asyncio.timeout(drop_grace) and then "
                "ws.transport.abort()"
            )
    finally:
        if sleeper is not None:
            sleeper.transport.abort()
        await clients.close_all()
        async with asyncio.timeout(5):
            await server.stop()


@pytest.mark.task(4)
@pytest.mark.parametrize(
    ("grace", "error"),
    [(0, ValueError), (-1.0, ValueError), (float("nan"), ValueError), (float("inf"), ValueError),
     ("5", TypeError), (True, TypeError), (None, TypeError)],
    ids=["zero", "negative", "nan", "inf", "str", "bool", "None"],
)
async def test_bad_drop_grace_values_are_rejected(
    hub: ChatHub, grace: object, error: type[Exception]
) -> None:
    call_refuses(error, ChatServer, hub, TOKENS, drop_grace=grace)


@pytest.mark.task(4)
@pytest.mark.parametrize("grace", [0.001, 1, 5.0], ids=["1-ms", "int-1", "float-5"])
async def test_a_positive_drop_grace_is_accepted(hub: ChatHub, grace: float) -> None:
    try:
        ChatServer(hub, TOKENS, drop_grace=grace)
    except (TypeError, ValueError) as exc:
        pytest.fail(f"ChatServer(hub, tokens, drop_grace={grace!r}) raised {exc!r}; any positive "
                    "finite number of seconds (int or float) is valid")


@pytest.mark.task(4)
async def test_a_hundred_concurrent_clients_each_receive_every_message(clients: Clients) -> None:
    crowd = await asyncio.gather(*(clients.join("town", f"tok-user{i}") for i in range(100)))
    for n in range(3):
        await crowd[n * 7].send(say(f"hello {n}"))

    async def read_three(ws: ClientConnection) -> list[str]:
        return [(await recv_json(ws, "a town message"))["text"] for _ in range(3)]

    async with asyncio.timeout(5):
        results = await asyncio.gather(*(read_three(ws) for ws in crowd))
    first = results[0]
    assert sorted(first) == ["hello 0", "hello 1", "hello 2"], f"user0 received {first}"
    wrong = [i for i, got in enumerate(results) if got != first]
    assert not wrong, f"clients {wrong[:5]} saw {results[wrong[0]] if wrong else None}, not {first}"


# -- Task 5: shutdown ------------------------------------------------------------------------


@pytest.mark.task(5)
async def test_stopping_the_server_closes_every_client_with_1001(
    hub: ChatHub, server: ChatServer, clients: Clients
) -> None:
    port = server.port
    members = [await clients.join(room, tok) for room, tok in
               (("lobby", "tok-alice"), ("lobby", "tok-bob"), ("dev", "tok-carol"))]
    async with asyncio.timeout(5):
        await server.stop()
    left = {room: hub.members(room) for room in ("lobby", "dev")}
    assert left == {"lobby": [], "dev": []}, (
        f"right after await server.stop() the rooms still hold {left}; stop() must wait for "
        "every handler to return (await the websockets server's wait_closed())"
    )
    for ws in members:
        code, _ = await close_code(ws)
        assert code == 1001, f"after stop() a client saw close code {code}; expected 1001"
    with pytest.raises((OSError, InvalidHandshake)):
        async with asyncio.timeout(WAIT):
            await connect(f"ws://127.0.0.1:{port}/rooms/lobby?token=tok-alice", open_timeout=1)
    async with asyncio.timeout(1):
        await server.stop()  # stopping twice is harmless


@pytest.mark.task(5)
async def test_a_client_that_disconnects_leaves_its_room(
    hub: ChatHub, server: ChatServer, clients: Clients, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    alice = await clients.join("lobby", "tok-alice")
    await clients.join("lobby", "tok-bob")
    async with asyncio.timeout(WAIT):
        await alice.close()
    try:
        async with asyncio.timeout(WAIT):
            while hub.members("lobby") != ["bob"]:
                await asyncio.sleep(0.01)
    except TimeoutError:
        pytest.fail(f"alice disconnected but members('lobby') = {hub.members('lobby')} after "
                    f"{WAIT}s; expected ['bob']: leave the room when the connection ends")
    async with asyncio.timeout(5):
        await server.stop()  # every handler has returned (or failed) once this is done
    failed = [r.getMessage() for r in caplog.records
              if r.name.startswith("websockets") and r.levelno >= logging.ERROR]
    assert not failed, (
        f"websockets logged {failed} while alice and bob disconnected; a handler must return "
        "normally when its connection ends, not raise"
    )
