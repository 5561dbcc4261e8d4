"""transaction() relies on `with conn:`, which never issues BEGIN: in autocommit mode each
statement commits on its own, and a nested block rolls back the outer one too."""

import contextlib

from _reference import *


@contextlib.contextmanager
def transaction(conn):
    with conn:  # commits or rolls back, but only what sqlite3 implicitly began
        yield conn
