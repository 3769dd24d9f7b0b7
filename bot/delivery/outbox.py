"""The outbox: every outgoing message is a row, committed before any network call.

``key`` makes queuing idempotent (``dispatch:3:2026-11:unit:17:contact:5``): queuing the same
key twice queues one message. The sender (``bot.delivery.sender``) claims a row with a lease
(owner, expiry) just before sending it and records the outcome; a lease that expires (its
sender died) is taken over by the channel's next sender, never requeued while it lives.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from bot.domain.conversation import Outbound
from bot.storage.models import OutboxMessage

MAX_ATTEMPTS = 8
BACKOFF_CAP = timedelta(minutes=30)


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
    """Queue ``outbound`` for ``recipient`` unless ``key`` is already queued; True if new."""
    if await OutboxMessage.exists(key=key):
        return False
    try:
        async with in_transaction():
            await OutboxMessage.create(
                key=key,
                channel=channel_of(recipient),
                recipient=recipient,
                contact_id=contact_id,
                payload=outbound.to_json(),
                next_attempt_at=now,
            )
    except IntegrityError:
        return False  # queued concurrently under the same key
    return True


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


async def claim(row: OutboxMessage, *, owner: str, now: datetime, until: datetime) -> bool:
    """Lease a pending row to ``owner`` until ``until``; False when another sender has it.

    PostgreSQL: the row is locked with ``FOR UPDATE SKIP LOCKED`` (a row another sender is
    claiming is skipped, not waited for); SQLite has one writer, so the conditional UPDATE is
    the claim.
    """
    fields = {"state": "sending", "claimed_at": now, "lease_owner": owner, "lease_until": until}
    if on_postgres():
        async with in_transaction():
            found = await OutboxMessage.filter(id=row.id, state="pending").select_for_update(
                skip_locked=True
            )
            if not found:
                return False
            await OutboxMessage.filter(id=row.id).update(**fields)
    elif not await OutboxMessage.filter(id=row.id, state="pending").update(**fields):
        return False
    row.state, row.claimed_at, row.lease_owner, row.lease_until = "sending", now, owner, until
    return True


async def take_over(now: datetime, channels: set[str], lease: timedelta) -> int:
    """Requeue the rows of ``channels`` whose lease expired (rows claimed before leases
    existed count from their claim)."""
    expired = Q(lease_until__lt=now) | Q(lease_until=None, claimed_at__lt=now - lease)
    return await (
        OutboxMessage.filter(state="sending", channel__in=sorted(channels))
        .filter(expired)
        .update(state="pending", lease_owner=None, lease_until=None)
    )


async def mark_sent(row: OutboxMessage, *, now: datetime, external_id: str | None) -> None:
    """The message was delivered (``now``: when the channel answered, in real time)."""
    row.state, row.sent_at, row.external_id = "sent", now, external_id
    row.attempts += 1
    row.last_error = ""
    row.lease_owner, row.lease_until = None, None
    await row.save(
        update_fields=[
            "state", "sent_at", "external_id", "attempts", "last_error", "lease_owner",
            "lease_until",
        ]
    )  # fmt: skip


async def mark_retry(
    row: OutboxMessage, *, now: datetime, error: str, retry_after: float | None = None
) -> None:
    """A transient failure: try again later (exponential back-off, bounded), or give up."""
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
    await row.save(
        update_fields=[
            "attempts", "last_error", "state", "next_attempt_at", "lease_owner", "lease_until",
        ]
    )  # fmt: skip


async def mark_failed(row: OutboxMessage, *, error: str) -> None:
    """A permanent failure: the recipient cannot be reached this way."""
    row.attempts += 1
    row.state, row.last_error = "failed", error[:2000]
    row.lease_owner, row.lease_until = None, None
    await row.save(update_fields=["attempts", "last_error", "state", "lease_owner", "lease_until"])


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
