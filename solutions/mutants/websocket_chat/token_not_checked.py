"""Reads the token from the query string but never checks it: anyone who sends one gets in.

The "user" becomes whatever the client wrote, so anyone can also impersonate anyone.
"""

from urllib.parse import parse_qs

from _reference import *


class ChatServer(ChatServer):
    def _authenticate(self, query):
        values = parse_qs(query).get("token", ["anonymous"])
        return values[0]
