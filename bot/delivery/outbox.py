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

The outcome of a send is marked by :mod:`bot.delivery.outcomes`, each mark conditional on the
lease it was sent under. A pass's claim reads back only what the sender and the marks need, as
a :class:`Claim` (no model built per row); every mark takes a claim or a model row alike
(:data:`Row`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import Q

from bot.domain.conversation import Outbound
from bot.storage.inserts import insert
from bot.storage.models import OutboxMessage


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
    marks = placeholders(6 + 2 * len(names))  # in the order they appear in the statement
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
    at, by, to, key = placeholders(4)
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


def placeholders(count: int) -> list[str]:
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
