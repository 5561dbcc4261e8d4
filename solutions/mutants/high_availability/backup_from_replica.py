"""Backs up a replica to spare the primary, without checking it has applied every write.

A lagging replica's snapshot silently misses acknowledged writes.
"""

import sqlite3

from _reference import *


class Router(Router):
    def backup(self, target, *, pages=-1, progress=None):
        if not isinstance(target, sqlite3.Connection):
            raise TypeError("target must be a sqlite3.Connection")
        nodes = [self._primary, *self._replicas]
        if any(target is node.connection for node in nodes):
            raise ValueError("refusing to back up over a node of the cluster")
        source = self._replicas[-1]  # "the least busy one"
        source.connection.backup(target, pages=pages, progress=progress)
