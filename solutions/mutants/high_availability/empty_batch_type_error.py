"""Rejects an empty batch with TypeError instead of the ValueError the README names."""

from _reference import *


class Router(Router):
    def transaction(self, statements):
        if isinstance(statements, list | tuple) and not statements:
            raise TypeError("a transaction needs at least one statement")
        return super().transaction(statements)
