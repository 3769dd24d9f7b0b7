"""The outcome of a send, recorded on its outbox row: sent, one part sent, retry later, failed.

Every mark is conditional on the lease the message was sent under (``sending``, the same
``lease_owner``) and says whether it applied: a sender that lost its lease (demoted, or so slow
the lease expired and another sender took the row over) cannot overwrite what the new owner
recorded (``parts_sent``, the state), so no part is sent twice on its account. Each mark takes
a pass's :class:`bot.delivery.outbox.Claim` or a model row alike, and updates it in place.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.backends.base.client import TransactionalDBClient

from bot.delivery.outbox import Row, placeholders
from bot.storage.models import OutboxMessage

MAX_ATTEMPTS = 8  # a message failing this often is given up
BACKOFF_CAP = timedelta(minutes=30)  # the longest wait between two attempts

# A sent mark's own transaction (PostgreSQL) commits without waiting for its WAL flush: the
# sender marks one message at a time, and the flush was most of each mark's time. A killed
# process loses no commit this way (the server has it); only a crash of the database server
# itself may forget the last fraction of a second of marks, whose messages then go out once
# more — a repeat, never a loss. ``set_config(…, true)`` lasts until the end of the transaction
# it runs in, so it is added only to a mark that is a statement of its own (autocommit, as the
# sender runs it), never inside a transaction whose other writes need the flush.
ASYNC_COMMIT = "set_config('synchronous_commit', 'off', true) IS NOT NULL"


async def _mark(row: Row, owner: str | None, fields: list[str]) -> bool:
    """Write ``fields`` of ``row`` if it is still ``sending`` under the lease of ``owner``
    (taken before the row was changed)."""
    query = OutboxMessage.filter(id=row.id, state="sending")
    query = (
        query.filter(lease_owner=owner)
        if owner is not None
        else query.filter(lease_owner__isnull=True)
    )
    return bool(await query.update(**{name: getattr(row, name) for name in fields}))


async def mark_sent(
    row: Row, *, now: datetime, external_id: str | None, parts_sent: int | None = None
) -> bool:
    """The message was delivered (``now``: when the channel answered, in real time); False
    when the lease was lost meanwhile (nothing is written)."""
    owner = row.lease_owner
    row.state, row.sent_at, row.external_id = "sent", now, external_id
    row.attempts += 1
    row.last_error = ""
    row.lease_owner, row.lease_until = None, None
    row.parts_sent = row.parts_sent + 1 if parts_sent is None else parts_sent
    at, external, attempts, parts, key, by = placeholders(6)
    sql = (  # one plain statement per message sent: names and placeholders only
        f'UPDATE "outbox_message" SET "state" = \'sent\', "sent_at" = {at}, '  # noqa: S608
        f'"external_id" = {external}, "attempts" = {attempts}, "last_error" = \'\', '
        f'"lease_owner" = NULL, "lease_until" = NULL, "parts_sent" = {parts} WHERE "id" = {key} '
        f'AND "state" = \'sending\' AND "lease_owner" IS NOT DISTINCT FROM {by} RETURNING "id"'
    )
    if at == "?":  # SQLite spells IS NOT DISTINCT FROM as IS
        sql = sql.replace("IS NOT DISTINCT FROM", "IS")
    db = OutboxMessage._meta.db
    if at != "?" and not isinstance(db, TransactionalDBClient):  # its own transaction only
        sql = sql.replace(' RETURNING "id"', f' AND {ASYNC_COMMIT} RETURNING "id"')
    values = [now, external_id, row.attempts, row.parts_sent, row.id, owner]
    return bool(await db.execute_query_dict(sql, values))


async def mark_part(row: Row, *, now: datetime, due: datetime) -> bool:
    """One part of the message went out (``now``, real time) and more follow: the row is
    pending again from ``due`` on, for the next part only; False when the lease was lost."""
    owner = row.lease_owner
    row.parts_sent += 1
    row.state, row.sent_at, row.next_attempt_at = "pending", now, due
    row.lease_owner, row.lease_until = None, None
    fields = ["parts_sent", "state", "sent_at", "next_attempt_at", "lease_owner", "lease_until"]
    return await _mark(row, owner, fields)


async def mark_retry(
    row: Row, *, now: datetime, error: str, retry_after: float | None = None
) -> bool:
    """A transient failure: try again later (exponential back-off, bounded), or give up;
    False when the lease was lost."""
    owner = row.lease_owner
    row.attempts += 1
    row.last_error = error[:2000]
    if row.attempts >= MAX_ATTEMPTS:
        row.state = "failed"
    else:
        row.state = "pending"
        backoff = min(timedelta(seconds=2**row.attempts), BACKOFF_CAP)
        wait = max(backoff, timedelta(seconds=retry_after or 0))
        row.next_attempt_at = now + wait
    row.lease_owner, row.lease_until = None, None
    fields = ["attempts", "last_error", "state", "next_attempt_at", "lease_owner", "lease_until"]
    return await _mark(row, owner, fields)


async def mark_failed(row: Row, *, error: str) -> bool:
    """A permanent failure (the recipient is gone, or the channel refused the message); False
    when the lease was lost."""
    owner = row.lease_owner
    row.attempts += 1
    row.state, row.last_error = "failed", error[:2000]
    row.lease_owner, row.lease_until = None, None
    return await _mark(
        row, owner, ["attempts", "last_error", "state", "lease_owner", "lease_until"]
    )
