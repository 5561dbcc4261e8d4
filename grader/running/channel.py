"""The result channel between a run and the runner: one JSON record per message.

On Linux it is a ``SOCK_SEQPACKET`` socket pair with ``SO_PASSCRED``: the kernel stamps every
message with the sender's real pid, which no process can forge, so the runner knows whether a
record came from the suite, from the supervisor, or from some other process the learner's code
started. Elsewhere (macOS runs without the sandbox) it is a stream of JSON lines and the pids are
unknown. The runner bounds what it keeps, whatever a run sends.
"""

from __future__ import annotations

import json
import os
import socket
import struct
import sys
from dataclasses import dataclass

LINUX = sys.platform.startswith("linux")
MAX_MESSAGE = 64 * 1024  # bytes of one record; a longer one is cut by the kernel and flagged
MAX_RECORDS = 20_000  # records the runner keeps of one run; past this it floods the channel
MAX_BYTES = 8 * 1024 * 1024  # bytes the runner keeps of one run
_CREDS = struct.Struct("3i")  # struct ucred: pid, uid, gid


def pair() -> tuple[socket.socket, socket.socket]:
    """(the runner's end, the end the worker inherits)."""
    kind = socket.SOCK_SEQPACKET if LINUX else socket.SOCK_STREAM
    mine, theirs = socket.socketpair(socket.AF_UNIX, kind)
    if LINUX:
        mine.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    mine.setblocking(False)
    theirs.set_inheritable(True)
    return mine, theirs


def encode(record: dict) -> bytes:
    data = json.dumps(record, separators=(",", ":")).encode()
    return data if LINUX else data + b"\n"


def send(fd: int, record: dict) -> None:
    """Write one record on the channel ``fd`` (a whole message, or nothing at all)."""
    data = encode(record)
    if LINUX and len(data) > MAX_MESSAGE:
        raise ValueError(f"a record of {len(data)} bytes is over the channel's {MAX_MESSAGE}")
    while data:
        data = data[os.write(fd, data) :]


@dataclass
class Message:
    pid: int | None  # the sender's pid as the kernel saw it; None where it cannot tell
    record: dict | None  # None: not a JSON object, or cut short
    size: int = 0


class Receiver:
    """The runner's side: messages with their senders and sizes, one at most 64 KiB."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._buffer = b""  # the stream fallback's partial line

    def receive(self) -> list[Message] | None:
        """What is waiting now; None once every writer has closed its end."""
        messages: list[Message] = []
        while True:
            try:
                if LINUX:
                    data, ancillary, flags, _ = self.sock.recvmsg(
                        MAX_MESSAGE, socket.CMSG_SPACE(_CREDS.size)
                    )
                else:
                    data, ancillary, flags = self.sock.recv(MAX_MESSAGE), [], 0
            except BlockingIOError:
                return messages
            except ConnectionResetError:
                data, ancillary, flags = b"", [], 0
            if not data and not (LINUX and ancillary):
                return messages or None
            if LINUX:
                pid = next(
                    (
                        _CREDS.unpack(d[: _CREDS.size])[0]
                        for level, kind, d in ancillary
                        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS
                    ),
                    None,
                )
                cut = bool(flags & socket.MSG_TRUNC)
                messages.append(Message(pid, None if cut else _parse(data), len(data)))
            else:
                self._buffer += data
                *lines, self._buffer = self._buffer.split(b"\n")
                messages += [Message(None, _parse(line), len(line)) for line in lines if line]
                if len(self._buffer) > MAX_MESSAGE:  # a "line" that never ends
                    self._buffer = b""
                    messages.append(Message(None, None, MAX_MESSAGE))


def _parse(data: bytes) -> dict | None:
    try:
        record = json.loads(data)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None
