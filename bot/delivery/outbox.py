"""The outbox: every outgoing message is a row, committed before any network call.

``key`` makes queuing idempotent (``dispatch:3:2026-11:unit:17:contact:5``): queuing the same
key twice queues one message. The sender (``bot.delivery``) claims rows and records outcomes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from bot.domain.conversation import Outbound
from bot.storage.models import OutboxMessage

MAX_ATTEMPTS = 8
BACKOFF_CAP = timedelta(minutes=30)


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
    return (
        await OutboxMessage.filter(
            state="pending", next_attempt_at__lte=now, channel__in=sorted(channels)
        )
        .order_by("id")
        .limit(limit)
    )


async def mark_sent(row: OutboxMessage, *, now: datetime, external_id: str | None) -> None:
    """The message was delivered."""
    row.state, row.sent_at, row.external_id = "sent", now, external_id
    row.attempts += 1
    row.last_error = ""
    await row.save(update_fields=["state", "sent_at", "external_id", "attempts", "last_error"])


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
    await row.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])


async def mark_failed(row: OutboxMessage, *, error: str) -> None:
    """A permanent failure: the recipient cannot be reached this way."""
    row.attempts += 1
    row.state, row.last_error = "failed", error[:2000]
    await row.save(update_fields=["attempts", "last_error", "state"])


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
