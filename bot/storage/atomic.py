"""One transaction for a use case, or the caller's when one is already open.

``in_transaction()`` inside an open transaction opens a savepoint: two statements more
(``SAVEPOINT``, ``RELEASE``), each a round trip, on every report stored from chat, where the
inbox already handles the update in a transaction and undoes all of it when anything fails.
:func:`atomic` joins the open transaction instead. It is for use cases whose refusals all come
before their first write: a refusal is caught by the chat and the transaction goes on, so a
write made before it would stay.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from tortoise.backends.base.client import TransactionalDBClient
from tortoise.transactions import in_transaction

from bot.storage.models import AuditLog


@contextlib.asynccontextmanager
async def atomic() -> AsyncIterator[None]:
    """A transaction of its own, or the one already open (no savepoint)."""
    if isinstance(AuditLog._meta.db, TransactionalDBClient):
        yield
        return
    async with in_transaction():
        yield
