"""transaction re-raises when COMMIT fails but never rolls back: the transaction stays open.

A deferred constraint is checked at COMMIT; when it fails, SQLite keeps the transaction open, so
the next statement on the connection silently joins the failed one.
"""

import contextlib

from _reference import *


@contextlib.contextmanager
def transaction(conn):
    if conn.in_transaction:
        name = "sp_nested"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield conn
        except BaseException:
            conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
            conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        conn.execute(f"RELEASE SAVEPOINT {name}")
        return
    conn.execute("BEGIN")
    try:
        yield conn
    except BaseException:
        conn.rollback()
        raise
    conn.commit()  # if this raises, nobody rolls back
