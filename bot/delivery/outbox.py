"""The outbox: every outgoing message is a row, committed before any network call.

``key`` makes queuing idempotent (``dispatch:3:2026-11:unit:17:contact:5``): queuing the same
key twice queues one message. The sender (``bot.delivery.sender``) claims a row with a lease
(owner, expiry) just before sending it and records the outcome; a lease that expires (its
sender died) is taken over by the channel's next sender, never requeued while it lives.

A message with files goes out in parts (:func:`parts`): its text with its buttons, then each
file alone; the row keeps how many parts went out (``parts_sent``), so a retry, a take-over or a
requeue sends only what is missing and the text arrives once. Progress per row rather than a row
per part split at :func:`enqueue`: every caller keeps queuing one message under one key (the key
still guards it whole), a person's order and the outbox listing stay per message, and whether a
file can go alone is the channel's to say at send time (:func:`bot.delivery.channel.pieces`):
one that cannot gets the whole message in one part, as before.

Every mark of an outcome is conditional on the lease it was sent under (``sending``, the same
``lease_owner``) and says whether it applied: a sender that lost its lease (demoted, or so slow
the lease expired and another sender took the row over) cannot overwrite what the new owner
recorded (``parts_sent``, the state), so no part is sent twice on its account.

A pass's claim reads back only what the sender and the marks need, as a :class:`Claim` (no
model built per row); every mark takes a claim or a model row alike (:data:`Row`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.backends.base.client import TransactionalDBClient
from tortoise.expressions import Q

from bot.domain.conversation import Outbound
from bot.storage.inserts import insert
from bot.storage.models import OutboxMessage

MAX_ATTEMPTS = 8
BACKOFF_CAP = timedelta(minutes=30)


@dataclass(slots=True)
class Claim:
    """A row a sender's pass claimed (:func:`claim_due`): what the sender reads and the marks
    write, without the model. The lease is the one just taken; the marks update it in place
    as they do a model row, so the pass sees what it recorded."""

    id: int
    key: str
    channel: str
    recipient: str
    payload: dict[str, Any]  # the neutral Outbound's JSON, decoded
    attempts: int
    parts_sent: int
    lease_owner: str | None
    lease_until: datetime | None
    claimed_at: datetime | None
    state: str = "sending"
    next_attempt_at: datetime | None = None  # written by the marks, not read back
    sent_at: datetime | None = None
    external_id: str | None = None
    last_error: str | None = None


Row = Claim | OutboxMessage  # what the marks take: a pass's claim, or a model row (tools, tests)
CLAIMED = '"id", "key", "channel", "recipient", "payload", "attempts", "parts_sent"'  # as named


def parts(outbound: Outbound) -> list[Outbound]:
    """The parts a message goes out in: its text (title, buttons, an edit), then each file
    alone; a message of files alone has no text part."""
    if not outbound.files:
        return [outbound]
    alone = [
        Outbound(text="", files=(file,), recipient=outbound.recipient, locale=outbound.locale)
        for file in outbound.files
    ]
    if not (outbound.text or outbound.title or outbound.buttons):
        return alone
    return [replace(outbound, files=()), *alone]


def on_postgres() -> bool:
    """Whether the database is PostgreSQL (claims lock rows and skip locked ones)."""
    return str(OutboxMessage._meta.db.capabilities.dialect) == "postgres"


def channel_of(identity: str) -> str:
    """``telegram:123`` → ``telegram``."""
    return identity.split(":", 1)[0]


async def enqueue(
    key: str,
    recipient: str,
    outbound: Outbound,
    *,
    now: datetime,
    contact_id: int | None = None,
) -> bool:
    """Queue ``outbound`` for ``recipient`` unless ``key`` is already queued; True if new.

    One ``INSERT … ON CONFLICT ("key") DO NOTHING``: no look-up first, and the same key queued
    concurrently elsewhere is skipped by the database. Every column the model has is written
    with its default, so a new column needs no change here.
    """
    return bool(await enqueue_many([(key, recipient, outbound, contact_id)], now=now))


Queued = tuple[str, str, Outbound, int | None]  # key, recipient, message, contact


async def enqueue_many(items: list[Queued], *, now: datetime) -> int:
    """:func:`enqueue` for several messages in one statement (a batch of updates' replies);
    how many were new."""
    rows = [
        OutboxMessage(
            key=key,
            channel=channel_of(recipient),
            recipient=recipient,
            contact_id=contact_id,
            payload=outbound.to_json(),
            next_attempt_at=now,
        )
        for key, recipient, outbound, contact_id in items
    ]
    return await insert(*rows, conflict="key")


async def due(now: datetime, limit: int, channels: set[str]) -> list[OutboxMessage]:
    """Pending rows whose time has come, in the order they were queued."""
    if not channels:
        return []
    return (
        await OutboxMessage.filter(
            state="pending", next_attempt_at__lte=now, channel__in=sorted(channels)
        )
        .order_by("id")
        .limit(limit)
    )


async def claim_due(
    now: datetime, limit: int, channels: set[str], *, owner: str, at: datetime, until: datetime
) -> list[Claim]:
    """Lease, for a sender's pass, the due messages of ``channels`` (``now``: the business
    clock), oldest first, at most ``limit``, to ``owner`` from ``at`` until ``until`` (real
    time), in one statement.

    Never a message while an older one to the same recipient waits (pending, not due yet:
    held back or retried later) or is being sent (perhaps by a sender that died, until its
    lease is taken over): a person's messages go out in the order they were queued. What the
    pass does not send goes back with :func:`release`. PostgreSQL skips rows another sender is
    claiming (``FOR UPDATE OF … SKIP LOCKED``); on SQLite the single writer makes it atomic.

    Only the columns a pass needs come back (:class:`Claim`), the lease from the values this
    statement wrote, the payload decoded once: no model is built per row."""
    if not channels:
        return []
    names = sorted(channels)
    marks = _marks(6 + 2 * len(names))  # in the order they appear in the statement
    by, since, to = marks[:3]
    within, later = marks[3 : 3 + len(names)], marks[3 + len(names)]
    due_by, also, most = marks[4 + len(names)], marks[5 + len(names) : -1], marks[-1]
    blocked = (  # per recipient, the oldest message that holds back the ones after it
        'SELECT "recipient", MIN("id") AS "stop" FROM "outbox_message" '  # noqa: S608
        f'WHERE "channel" IN ({", ".join(within)}) AND ("state" = \'sending\' '
        f'OR ("state" = \'pending\' AND "next_attempt_at" > {later})) GROUP BY "recipient"'
    )
    pending = (  # names and placeholders only: the values are bound
        f'SELECT m."id" FROM "outbox_message" m LEFT JOIN ({blocked}) b '  # noqa: S608
        f'ON b."recipient" = m."recipient" WHERE m."state" = \'pending\' '
        f'AND m."next_attempt_at" <= {due_by} AND m."channel" IN ({", ".join(also)}) '
        f'AND (b."stop" IS NULL OR m."id" < b."stop") ORDER BY m."id" LIMIT {most}'
    )
    if on_postgres():
        pending += " FOR UPDATE OF m SKIP LOCKED"
    sql = (
        f'UPDATE "outbox_message" SET "state" = \'sending\', "lease_owner" = {by}, '  # noqa: S608
        f'"claimed_at" = {since}, "lease_until" = {to} WHERE "id" IN ({pending}) '
        f"RETURNING {CLAIMED}"
    )
    found = await OutboxMessage._meta.db.execute_query_dict(
        sql, [owner, at, until, *names, now, now, *names, limit]
    )
    rows = [Claim(**r, lease_owner=owner, lease_until=until, claimed_at=at) for r in found]
    decode = OutboxMessage._meta.fields_map["payload"].to_python_value  # the model's own JSON
    for row in rows:
        row.payload = decode(row.payload)
    rows.sort(key=lambda row: row.id)
    return rows


async def release(rows: Sequence[Row], *, owner: str, due: datetime | None = None) -> int:
    """Give back claimed rows a pass did not send (pending again, due as they were or from
    ``due``), if still under ``owner``'s lease."""
    ids = [row.id for row in rows]
    if not ids:
        return 0
    later = {} if due is None else {"next_attempt_at": due}
    return await OutboxMessage.filter(id__in=ids, state="sending", lease_owner=owner).update(
        state="pending", lease_owner=None, lease_until=None, **later
    )


async def claim(row: OutboxMessage, *, owner: str, now: datetime, until: datetime) -> bool:
    """Lease a pending row to ``owner`` until ``until``; False when another sender has it.

    One statement. PostgreSQL picks the row with ``FOR UPDATE SKIP LOCKED`` (a row another
    sender is claiming is skipped, not waited for); SQLite has one writer, so the conditional
    UPDATE is the claim.
    """
    at, by, to, key = _marks(4)
    pending = f'"id" = {key} AND "state" = \'pending\''
    where = (
        f'"id" = (SELECT "id" FROM "outbox_message" WHERE {pending} FOR UPDATE SKIP LOCKED)'  # noqa: S608
        if on_postgres()
        else pending
    )
    sql = (  # names and placeholders only: the values are bound
        f'UPDATE "outbox_message" SET "state" = \'sending\', "claimed_at" = {at}, '  # noqa: S608
        f'"lease_owner" = {by}, "lease_until" = {to} WHERE {where} RETURNING "id"'
    )
    if not await OutboxMessage._meta.db.execute_query_dict(sql, [now, owner, until, row.id]):
        return False
    row.state, row.claimed_at, row.lease_owner, row.lease_until = "sending", now, owner, until
    return True


# A sent mark's own transaction (PostgreSQL) commits without waiting for its WAL flush: the
# sender marks one message at a time, and the flush was most of each mark's time. A killed
# process loses no commit this way (the server has it); only a crash of the database server
# itself may forget the last fraction of a second of marks, whose messages then go out once
# more — a repeat, never a loss. ``set_config(…, true)`` lasts until the end of the transaction
# it runs in, so it is added only to a mark that is a statement of its own (autocommit, as the
# sender runs it), never inside a transaction whose other writes need the flush.
ASYNC_COMMIT = "set_config('synchronous_commit', 'off', true) IS NOT NULL"


def _marks(count: int) -> list[str]:
    """Positional placeholders: ``$1…`` on PostgreSQL, ``?`` on SQLite."""
    postgres = on_postgres()  # once: it looks up the connection in force
    return [f"${n}" if postgres else "?" for n in range(1, count + 1)]


async def take_over(now: datetime, channels: set[str], lease: timedelta) -> int:
    """Requeue the rows of ``channels`` whose lease expired (rows claimed before leases
    existed count from their claim)."""
    expired = Q(lease_until__lt=now) | Q(lease_until=None, claimed_at__lt=now - lease)
    return await (
        OutboxMessage.filter(state="sending", channel__in=sorted(channels))
        .filter(expired)
        .update(state="pending", lease_owner=None, lease_until=None)
    )


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
    at, external, attempts, parts, key, by = _marks(6)
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


async def database_now(fallback: datetime) -> datetime:
    """The database's clock (PostgreSQL: one clock for every host); ``fallback`` on SQLite,
    whose processes all run on the host that has the file."""
    if not on_postgres():
        return fallback
    rows = await OutboxMessage._meta.db.execute_query_dict("SELECT now() AS now")
    now = rows[0]["now"]
    assert isinstance(now, datetime)
    return now.astimezone(UTC)


async def recently_sent(
    channel: str, since: datetime
) -> tuple[list[tuple[str, datetime, Outbound]], list[str]]:
    """What ``channel`` sent from ``since`` on (recipient, when, the message; a part sent
    counts), and the recipients of what it has in flight: a new sender's pacing windows start
    from these."""
    sent = await OutboxMessage.filter(channel=channel, sent_at__gte=since).values_list(
        "recipient", "sent_at", "payload"
    )
    flying = await OutboxMessage.filter(channel=channel, state="sending").values_list(
        "recipient", flat=True
    )
    return [(str(r), at, Outbound.from_json(p)) for r, at, p in sent], [str(r) for r in flying]


async def listing(*, failed_only: bool, limit: int = 200) -> list[OutboxMessage]:
    """Queued (pending, sending) or failed messages, oldest first."""
    states = ["failed"] if failed_only else ["pending", "sending", "failed"]
    return list(await OutboxMessage.filter(state__in=states).order_by("id").limit(limit))


async def requeue_failed(ids: list[int] | None, *, now: datetime) -> int:
    """Put failed messages back in the queue (all of them, or those with ``ids``)."""
    query = OutboxMessage.filter(state="failed")
    if ids:
        query = query.filter(id__in=ids)
    return await query.update(state="pending", attempts=0, next_attempt_at=now, last_error=None)
