"""Broadcasts every message to every connected client, like the bank's `emit(..., broadcast=True)`.

Rooms exist on paper only: a message for 'lobby' also lands in 'dev'.
"""

import json

from _reference import *


class ChatHub(ChatHub):
    def publish(self, room, user, text):
        seq = self._seq.get(room, 0) + 1
        self._seq[room] = seq
        message = {"type": "message", "room": room, "user": user, "text": text, "seq": seq}
        frame = json.dumps(message)
        for members in list(self._rooms.values()):
            for member in list(members):
                self.offer(member, frame)
        return message
