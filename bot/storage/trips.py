"""Several statements in one trip to the database: the writes of a use case that need nothing
back from each other, sent together.

On SQLite every statement is a trip to aiosqlite's worker thread and back (a queue, a thread
wake-up, a wake-up of the event loop): about 60 µs of CPU against the 2–10 µs SQLite itself
spends on a small statement. :func:`together` runs a list of statements one after the other in
a single such trip, in the connection (and so the transaction) in force. On PostgreSQL they run
one after the other as usual (the server does the work there, in its own process).

Statements run in order and the first that fails raises (as :class:`tortoise` would: an
``OperationalError`` or ``IntegrityError``), the earlier ones done; like any other statements,
they are all-or-nothing only inside a transaction, which is the caller's.

aiosqlite (pinned in ``pyproject.toml``) has no public call for "run this function on the
connection's thread"; ``Connection._execute`` is the one every public call uses. Where it is
missing, the statements are sent one by one (slower, the same result);
``tests/test_trips.py`` fails then, so an upgrade that drops it is noticed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError, OperationalError

Statement = tuple[str, Sequence[Any]]  # SQL with placeholders, and its bound values


def on_sqlite(db: BaseDBAsyncClient) -> bool:
    """Whether ``db`` is a SQLite connection (or a transaction on one)."""
    return str(db.capabilities.dialect) == "sqlite"


async def together(
    db: BaseDBAsyncClient, statements: Sequence[Statement]
) -> list[list[dict[str, Any]]]:
    """Run ``statements`` in order, in one trip where the database allows; each one's rows."""
    if not statements:
        return []
    if not on_sqlite(db):
        return [list(await db.execute_query_dict(sql, list(values))) for sql, values in statements]
    async with db.acquire_connection() as connection:
        raw: sqlite3.Connection = connection._conn

        def run() -> list[list[dict[str, Any]]]:
            return [[dict(row) for row in raw.execute(sql, values)] for sql, values in statements]

        try:
            if not hasattr(connection, "_execute"):  # an aiosqlite without it: one by one
                return [list(map(dict, await connection.execute_fetchall(sql, values)))
                        for sql, values in statements]  # fmt: skip
            result: list[list[dict[str, Any]]] = await connection._execute(run)
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(exc) from exc
        except sqlite3.OperationalError as exc:
            raise OperationalError(exc) from exc
        return result
