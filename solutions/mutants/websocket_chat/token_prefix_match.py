"""Accepts any token that starts with a known token: "tok-alice-anything" logs in as alice."""

import hmac
from urllib.parse import parse_qs

from _reference import *


class ChatServer(ChatServer):
    def _authenticate(self, query):
        values = parse_qs(query, keep_blank_values=True).get("token", [])
        if len(values) != 1:
            return None
        offered = values[0].encode()
        for token, name in self._tokens:
            if hmac.compare_digest(offered[: len(token)], token):
                return name
        return None
