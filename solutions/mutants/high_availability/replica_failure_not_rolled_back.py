"""When a replica fails to apply an entry, marks it unhealthy but leaves its transaction open.

SQLite keeps a transaction open after a failed COMMIT: the replica's own connection then sees the
half-applied entry as applied, and the next BEGIN fails.
"""

import json
import sqlite3

from _reference import *
from _reference import LOG_TABLE


class Router(Router):
    def _ship(self, source, replica, upto):
        applied = self._ping(replica)
        if applied is None:
            return -1
        entries = source.connection.execute(
            f"SELECT seq, batch FROM {LOG_TABLE} WHERE seq > ? AND seq <= ? ORDER BY seq",
            (applied, upto),
        ).fetchall()
        conn = replica.connection
        for seq, batch in entries:
            try:
                conn.execute("BEGIN IMMEDIATE")
                for sql, params in json.loads(batch):
                    conn.execute(sql, params)
                conn.execute(f"INSERT INTO {LOG_TABLE} (seq, batch) VALUES (?, ?)", (seq, batch))
                conn.execute("COMMIT")
            except sqlite3.Error:
                replica.healthy = False
                return applied
            applied = seq
        return applied
