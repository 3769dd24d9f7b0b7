"""PostgreSQL's pooled connections go back to the pool without asyncpg's reset query (a round
trip per statement outside a transaction), and still come back clean: a transaction left open
is rolled back."""

from __future__ import annotations

import pytest

from bot.storage.db import keep_session
from bot.storage.models import Unit


async def test_a_connection_back_in_the_pool_keeps_nothing_of_its_transaction(db: str) -> None:
    client = Unit._meta.db
    if str(client.capabilities.dialect) != "postgres":
        pytest.skip("SQLite has one connection and no pool")
    await Unit.all().count()  # the pool is made on first use
    pool = client._pool
    assert pool._reset is keep_session
    connection = await pool.acquire()
    await connection.execute("BEGIN")
    await connection.execute(
        'INSERT INTO "unit" ("name", "kind", "created_at") VALUES (\'半途\', \'department\', now())'
    )
    await pool.release(connection)  # left in its transaction: asyncpg rolls it back
    assert not await Unit.filter(name="半途").exists()
