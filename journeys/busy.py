"""Which database errors mean "not now" rather than "something is wrong"."""

from django.db import DatabaseError

# PostgreSQL's classes and codes for a server that is busy, full or out of
# reach for the moment: serialization failure, deadlock, insufficient
# resources, lock not available, a statement timeout, a lost connection.
BUSY_SQLSTATES = ("40001", "40P01", "53", "55P03", "57014", "08")
BUSY_SQLITE_MESSAGES = (
    "database is locked",
    "database table is locked",
    "database or disk is full",
)


def database_is_busy(error: DatabaseError) -> bool:
    """A database that is busy, locked or full: the same write may work in a
    moment, so the person is asked to wait, not told something broke."""
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith(BUSY_SQLSTATES)
    return str(error).startswith(BUSY_SQLITE_MESSAGES)
