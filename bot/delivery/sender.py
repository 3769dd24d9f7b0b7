"""The outbox sender: claims due messages, paces them per channel, records each outcome.

A message is claimed (``sending``) before the network call and marked ``sent`` after it; a
crash in between leaves one ``sending`` row, which :meth:`Sender.recover` requeues: at most
that single in-flight message can go out twice. On a channel without buttons the step a
message poses is noted just before it goes out, so the person's answer is read against it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from tortoise.functions import Min

from bot.delivery import outbox
from bot.delivery.channel import Channel, PermanentSendError, TransientSendError
from bot.delivery.choices import note_sent
from bot.delivery.pacing import Pacer
from bot.domain.conversation import Outbound
from bot.people.reachability import mark_unreachable
from bot.storage.models import OutboxMessage

log = logging.getLogger(__name__)
STALE_CLAIM = timedelta(minutes=5)


class Sender:
    """Sends what the outbox holds, through the channels it knows."""

    def __init__(
        self,
        channels: Mapping[str, Channel],
        clock: Callable[[], datetime],
        pacer: Pacer | None = None,
    ) -> None:
        self.channels = channels
        self.clock = clock
        self.pacer = pacer or Pacer()
        self.wakeup = asyncio.Event()

    async def recover(self, older_than: timedelta = timedelta(0)) -> int:
        """Requeue messages claimed by a sender that died (at start-up: every claim)."""
        cutoff = self.clock() - older_than
        return await OutboxMessage.filter(state="sending", claimed_at__lte=cutoff).update(
            state="pending"
        )

    async def send_due(self, limit: int = 50) -> int:
        """One pass over due messages; returns how many went out."""
        now = self.clock()
        rows = await outbox.due(now, limit, set(self.channels))
        sent = 0
        held = await self._held_back(rows, now)
        for row in rows:
            if row.id > held.get(row.recipient, row.id):
                continue  # an older message to this recipient waits: keep their order
            channel = self.channels[row.channel]
            external = row.recipient.split(":", 1)[1]
            # edits in place are not new messages, where the channel can edit
            edit = channel.capabilities.edits and bool(row.payload.get("replaces"))
            wait = 0.0 if edit else self.pacer.recipient_delay(row.channel, external)
            if wait > 0:
                held[row.recipient] = row.id
                await self._hold(row.recipient, self.clock() + timedelta(seconds=wait))
                continue
            overall = self.pacer.overall_delay(row.channel)
            if overall > 0:
                await asyncio.sleep(overall)
            claimed = await OutboxMessage.filter(id=row.id, state="pending").update(
                state="sending", claimed_at=self.clock()
            )
            if not claimed:
                continue  # another sender took it
            sent += await self._send(channel, row, external, paced=not edit)
        return sent

    @staticmethod
    async def _held_back(rows: list[OutboxMessage], now: datetime) -> dict[str, int]:
        """Per recipient, the oldest pending message that is not due yet."""
        recipients = sorted({r.recipient for r in rows})
        if not recipients:
            return {}
        waiting = (
            await OutboxMessage.filter(
                state="pending", recipient__in=recipients, next_attempt_at__gt=now
            )
            .annotate(oldest=Min("id"))
            .group_by("recipient")
            .values_list("recipient", "oldest")
        )
        return {str(recipient): int(oldest) for recipient, oldest in waiting}

    @staticmethod
    async def _hold(recipient: str, until: datetime) -> None:
        """Postpone every pending message of a recipient alike, so their order is kept."""
        await OutboxMessage.filter(
            recipient=recipient, state="pending", next_attempt_at__lt=until
        ).update(next_attempt_at=until)

    async def _send(
        self, channel: Channel, row: OutboxMessage, external: str, *, paced: bool
    ) -> int:
        message = Outbound.from_json(row.payload)
        if paced:
            self.pacer.record(row.channel, external)
        try:
            # noted before the send: an answer may come as soon as the message arrives
            await note_sent(channel, row.recipient, message)
            message_id = await channel.send(external, message)
        except TransientSendError as exc:
            log.info("outbox %s: retry (%s)", row.key, exc)
            await outbox.mark_retry(
                row, now=self.clock(), error=str(exc), retry_after=exc.retry_after
            )
            return 0
        except PermanentSendError as exc:
            log.warning("outbox %s: undeliverable (%s)", row.key, exc)
            await outbox.mark_failed(row, error=str(exc))
            await mark_unreachable(row.recipient, now=self.clock(), reason=str(exc))
            self.wakeup.set()  # the secretariat's notice is queued
            return 0
        except Exception as exc:
            log.exception("outbox %s: unexpected failure", row.key)
            await outbox.mark_retry(row, now=self.clock(), error=repr(exc))
            return 0
        await outbox.mark_sent(row, now=self.clock(), external_id=message_id)
        return 1

    async def next_due_in(self) -> float:
        """Seconds until the earliest pending message is due (capped at one second)."""
        row = await OutboxMessage.filter(state="pending").order_by("next_attempt_at").first()
        if row is None:
            return 1.0
        return max(0.0, min(1.0, (row.next_attempt_at - self.clock()).total_seconds()))

    async def run(self, stop: asyncio.Event) -> None:
        """Send as messages become due until ``stop`` is set."""
        await self.recover()
        while not stop.is_set():
            self.wakeup.clear()
            try:
                if await self.send_due():
                    continue
                idle = await self.next_due_in()
            except Exception:
                log.exception("outbox pass failed; retrying")
                idle = 1.0
            if idle <= 0:
                await asyncio.sleep(0.01)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wakeup.wait(), timeout=idle)
