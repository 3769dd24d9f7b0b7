"""Statements sent together (bot.storage.trips): in order, each one's rows back, in the
transaction in force, errors as tortoise raises them, and on SQLite in one trip to the
connection's thread; inserts built for a trip get their ids like ``insert``'s."""

from __future__ import annotations

from typing import Any

import pytest
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from bot.storage.inserts import insert_statement, inserted
from bot.storage.models import AuditLog, Unit
from bot.storage.trips import on_sqlite, together


def _marks(db: Any, sql: str) -> str:
    """``?`` placeholders as the connection spells them."""
    if on_sqlite(db):
        return sql
    pieces = sql.split("?")
    return pieces[0] + "".join(f"${n}{piece}" for n, piece in enumerate(pieces[1:], start=1))


async def test_statements_run_in_order_with_their_rows(db: str) -> None:
    unit = await Unit.create(name="县发改局", kind="department")
    conn = Unit._meta.db
    audit = AuditLog(actor="t", action="a", subject="s", detail={"k": 1})
    sql, values = insert_statement(audit)
    found = await together(
        conn,
        [
            (_marks(conn, 'UPDATE "unit" SET "name" = ? WHERE "id" = ? RETURNING "id"'),
             ["县发改委", unit.id]),
            (sql, values),
            (_marks(conn, 'SELECT "name" FROM "unit" WHERE "id" = ?'), [unit.id]),
        ],
    )  # fmt: skip
    assert found[0] == [{"id": unit.id}]
    assert inserted([audit], found[1]) == 1
    assert audit.id is not None
    assert found[2] == [{"name": "县发改委"}]  # the earlier statement's write is seen
    assert (await AuditLog.get(id=audit.id)).detail == {"k": 1}
    assert await together(conn, []) == []


async def test_a_failure_raises_as_tortoise_does_and_the_transaction_undoes_all(db: str) -> None:
    unit = await Unit.create(name="县发改局", kind="department")
    await Unit.create(name="县财政局", kind="department")
    update = 'UPDATE "unit" SET "name" = ? WHERE "id" = ?'

    async def rename_then_clash() -> None:
        async with in_transaction():
            conn = Unit._meta.db
            await together(
                conn,
                [
                    (_marks(conn, update), ["改过", unit.id]),
                    insert_statement(Unit(name="县财政局", kind="department")),  # name unique
                ],
            )

    with pytest.raises(IntegrityError):
        await rename_then_clash()
    assert (await Unit.get(id=unit.id)).name == "县发改局"


async def test_sqlite_sends_them_in_one_trip(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    conn = Unit._meta.db
    if not on_sqlite(conn):
        pytest.skip("one trip is SQLite's; PostgreSQL runs them one after the other")
    await Unit.all().count()  # connected
    connection = conn._connection
    trips = 0
    original = connection._execute

    async def counted(fn: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal trips
        trips += 1
        return await original(fn, *args, **kwargs)

    monkeypatch.setattr(connection, "_execute", counted)
    statements = [insert_statement(Unit(name=f"单位{i}", kind="department")) for i in range(3)]
    found = await together(conn, statements)
    assert trips == 1
    assert [len(rows) for rows in found] == [1, 1, 1]
    assert await Unit.filter(name__startswith="单位").count() == 3
