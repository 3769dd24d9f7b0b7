"""Plain SQL for the reporting hot path: statements with ``?`` marks, run on either database.

The report flow's reads run for every message a reporter sends; building an ORM query and a
model per row cost more CPU than the database did. Statements here are fixed text with bound
values, numbered ``$1, $2…`` for PostgreSQL once per statement (:func:`numbered`).
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from bot.storage.models import ProgressReport


def on_postgres() -> bool:
    """Whether the database is PostgreSQL (``$1`` marks) rather than SQLite (``?``)."""
    return str(ProgressReport._meta.db.capabilities.dialect) == "postgres"


@cache
def numbered(sql: str, postgres: bool) -> str:
    """``?`` marks as ``$1, $2…`` on PostgreSQL (statements here hold no other ``?``)."""
    if not postgres:
        return sql
    parts = sql.split("?")
    return "".join(f"{p}${i}" for i, p in enumerate(parts[:-1], 1)) + parts[-1]


async def rows(sql: str, *values: Any) -> list[dict[str, Any]]:
    """Run one of this package's statements with bound values."""
    db = ProgressReport._meta.db
    return list(await db.execute_query_dict(numbered(sql, on_postgres()), list(values)))


def day(value: date | str | None) -> date | None:
    """A stored date (SQLite hands back ISO text, asyncpg a date)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)
