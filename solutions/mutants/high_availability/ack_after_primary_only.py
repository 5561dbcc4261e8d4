"""Acknowledges a write once the primary alone has it: a failover before pump() loses it.

Asynchronous replication is fast, but the write the client was told is safe lives on one machine.
"""

import json

from _reference import *
from _reference import LOG_TABLE, _normalise


class Router(Router):
    def transaction(self, statements):
        batch = [_normalise(*statement) for statement in statements]
        primary = self._live_primary()
        conn = primary.connection
        try:
            conn.execute("BEGIN IMMEDIATE")
            for sql, params in batch:
                conn.execute(sql, params)
            seq = self._head(primary) + 1
            conn.execute(f"INSERT INTO {LOG_TABLE} (seq, batch) VALUES (?, ?)",
                         (seq, json.dumps(batch)))
            conn.execute("COMMIT")
        except BaseException:
            self._rollback(conn)
            raise
        return seq  # acknowledged here: no replica has it yet
