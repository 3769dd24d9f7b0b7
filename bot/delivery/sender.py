"""The outbox sender: claims due messages, paces them per channel, records each outcome.

One sender per channel runs in a deployment: ``bot/app.py`` elects it with a process lock
(:meth:`Sender.lead` when this process wins, :meth:`Sender.resign` when it loses the lock), so
the pacing windows are the deployment's and the channel's limits hold across any number of
processes. A sender built without an election (tests, tools) sends on every channel it has.

A pass claims with a lease (``sending``, owner, expiry), in one statement, each recipient's
oldest due message (never one while an older message of theirs waits or is being sent), sends
them one by one and marks each ``sent`` after its network call; what it does not send it gives
back. A sender that dies leaves its pass's rows ``sending`` until the lease expires; the
channel's next sender takes them over then (:meth:`Sender.take_over`), their recipients' later
messages waiting behind them: only the single message in flight can go out twice. A dead
pass's rows count as in flight when the next sender seeds its windows (a little slow after a
fail-over, never over a limit). A live sender's claims are never requeued.
On a channel without buttons the step a message poses is noted just before it goes out, so the
person's answer is read against it.

A message goes out part by part (``Channel.split``: each piece of a long text, then each file
alone; ``outbox.parts`` for a channel that does not split); each part is one paced send and
the row records it, so a failed file is retried alone and a long text's pieces wait for the
recipient's window like separate messages (a part that must wait is held, never slept on).

A new sender seeds its windows from what was sent before it, whose send times come from other
hosts' clocks: the window is reckoned from the database's clock, widened by ``CLOCK_SKEW``, and
every send within ``CLOCK_SKEW`` of now counts as just now (earlier ones that much later), so a
host whose clock is behind by up to ``CLOCK_SKEW`` cannot make its sends look older than they
are. Being late by at most one window after a fail-over is the price.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from bot.delivery import outbox, outcomes
from bot.delivery.channel import (
    Channel,
    PermanentSendError,
    RefusedSendError,
    TransientSendError,
    pieces,
    prepare,
    split,
)
from bot.delivery.choices import note_sent
from bot.delivery.pacing import Pacer
from bot.domain.conversation import Outbound
from bot.people.reachability import mark_unreachable
from bot.storage.locks import lease_owner
from bot.storage.models import OutboxMessage

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)  # beyond any send's timeout: a dead sender's message waits this
LEASE_LEFT = 0.75  # a send starts only with this share of its lease left (paced in a pass)
TAKE_OVER_EVERY = 5.0  # seconds between looks for expired leases
PAUSE_IN_PASS = 1.0  # seconds a pass may wait for a channel; longer, it moves on without it
CLOCK_SKEW = timedelta(minutes=5)  # how far another host's clock may be off, for the seed


def wall_clock() -> datetime:
    """Real time, for leases and send times (the business clock may be simulated)."""
    return datetime.now(UTC)


class Sender:
    """Sends what the outbox holds, through the channels it knows (or leads)."""

    def __init__(
        self,
        channels: Mapping[str, Channel],
        clock: Callable[[], datetime],
        pacer: Pacer | None = None,
        *,
        elected: bool = False,
        lease: timedelta = LEASE,
        lease_clock: Callable[[], datetime] = wall_clock,
    ) -> None:
        self.channels = channels
        self.clock = clock
        self.pacer = pacer or Pacer()
        self.lease = lease
        self.lease_clock = lease_clock
        self.owner = lease_owner()
        self.leading: set[str] | None = set() if elected else None
        self.wakeup = asyncio.Event()
        self._looked = float("-inf")

    def active(self) -> set[str]:
        """The channels this sender sends on now."""
        if self.leading is None:
            return set(self.channels)
        return self.leading & set(self.channels)

    async def lead(self, channel: str) -> None:
        """This process became the channel's sender: seed its windows, take over, start."""
        known = self.channels.get(channel)
        if known is not None:  # what the channel keeps in the database may have changed
            await prepare(known, fresh=True)
        await self._seed(channel)
        assert self.leading is not None, "lead() is for an elected sender"
        self.leading.add(channel)
        self._looked = float("-inf")
        self.wakeup.set()

    def resign(self, channel: str) -> None:
        """This process is no longer the channel's sender (its lock was lost)."""
        if self.leading is not None:
            self.leading.discard(channel)
        self.pacer.forget(channel)

    async def _seed(self, channel: str) -> None:
        """Count what the previous senders sent within the longest window, and what they had
        in flight, so a sender taking over does not exceed a limit they used up.

        Their send times come from their hosts' clocks: "now" is the database's, the window
        is widened by ``CLOCK_SKEW`` and each send is taken as ``CLOCK_SKEW`` later than its
        stamp says (never later than now), so a clock behind by up to that much loses nothing.
        """
        span = self.pacer.longest(channel)
        if not span:
            return
        wall = await outbox.database_now(self.lease_clock())
        mono = self.pacer.clock()
        since = wall - timedelta(seconds=span) - CLOCK_SKEW
        recent, flying = await outbox.recently_sent(channel, since)
        skew = CLOCK_SKEW.total_seconds()
        known = self.channels.get(channel)
        for recipient, sent_at, message in recent:
            ago = max(0.0, (wall - sent_at).total_seconds() - skew)
            if ago < span:  # a message's pieces, all of them (more than a part sent: safe)
                external = recipient.split(":", 1)[1]
                count = pieces(known, message, external) if known is not None else 1
                self.pacer.record(channel, external, at=mono - ago, count=count)
        for recipient in flying:  # may arrive any moment now: count it as arriving now
            self.pacer.record(channel, recipient.split(":", 1)[1], at=mono)

    async def take_over(self) -> int:
        """Requeue messages whose sender's lease expired (that sender died or lost its role)."""
        channels = self.active()
        if not channels:
            return 0
        return await outbox.take_over(self.lease_clock(), channels, self.lease)

    async def send_due(self, limit: int = 50) -> int:
        """One pass over due messages, claimed together (one statement), sent one by one;
        returns how many went out. A channel waiting out a ``retry_after`` is not claimed
        from; what the pass does not send is given back at its end, a held recipient's
        messages due when their window opens."""
        now, wall = self.clock(), self.lease_clock()
        channels = {c for c in self.active() if self.pacer.overall_delay(c) <= PAUSE_IN_PASS}
        rows = await outbox.claim_due(
            now, limit, channels, owner=self.owner, at=wall, until=wall + self.lease
        )
        held: dict[str, datetime | None] = {}  # recipients whose later messages wait
        try:
            return await self._pass(rows, held)
        finally:
            unsent = [r for r in rows if r.state == "sending" and r.lease_owner == self.owner]
            for due in {held.get(r.recipient) for r in unsent}:
                back = [r for r in unsent if held.get(r.recipient) == due]
                await outbox.release(back, owner=self.owner, due=due)

    async def _pass(self, rows: list[outbox.Claim], held: dict[str, datetime | None]) -> int:
        sent = 0
        paused: set[str] = set()
        for row in rows:  # oldest first: claim_due kept each person's order
            if row.recipient in held:
                continue  # an older message to this recipient waits: keep their order
            if row.channel not in self.active() or row.channel in paused:
                continue  # the role was lost during this pass, or the channel said to wait
            if self.pacer.overall_delay(row.channel) > PAUSE_IN_PASS:
                paused.add(row.channel)  # a retry_after: the other channels go on meanwhile
                continue
            channel = self.channels[row.channel]
            await prepare(channel)  # how it splits may depend on what it keeps (cards refused)
            external = row.recipient.split(":", 1)[1]
            steps, one_each = self._parts(channel, Outbound.from_json(row.payload), external)
            part = steps[min(row.parts_sent, len(steps) - 1)]
            # edits in place are not new messages, where the channel can edit
            edit = channel.capabilities.edits and bool(part.replaces)
            slots = 0 if edit else 1 if one_each else pieces(channel, part, external)
            wait = self.pacer.recipient_delay(row.channel, external, slots) if slots else 0.0
            if wait > 0:  # the person's window: this message and their later ones wait
                until = self.clock() + timedelta(seconds=wait)
                held[row.recipient] = until
                await self._hold(row.recipient, until)
                continue
            await self._pace(row.channel, max(slots, 1))
            left = (row.lease_until or self.lease_clock()) - self.lease_clock()
            if left < self.lease * LEASE_LEFT:
                continue  # paced so long the send might outlive its lease: claimed anew later
            sent += await self._send(channel, row, external, part, slots=slots, parts=len(steps))
            if row.state != "sent":  # a part went out (or it failed): the rest wait their turn
                held.setdefault(row.recipient, None)
        return sent

    @staticmethod
    def _parts(channel: Channel, message: Outbound, recipient: str) -> tuple[list[Outbound], bool]:
        """The message's parts, and whether each is one message: one message each where the
        channel splits it (a long text's pieces, then its files; never split again), else its
        text and each file alone where the channel sends a file alone (one piece per file)."""
        own = split(channel, message, recipient)
        if own:
            return own, True
        parts = outbox.parts(message)
        if len(parts) > 1 and all(pieces(channel, p) == 1 for p in parts if not p.text):
            return parts, False
        return [message], False

    async def _pace(self, channel: str, slots: int = 1) -> None:
        """Wait until the channel's overall window (and any retry_after) lets ``slots``
        messages go."""
        wait = self.pacer.overall_delay(channel, slots)
        for _ in range(1000):  # a sleep may end a hair early: look again until it is open
            if wait <= 0:
                return
            await asyncio.sleep(wait)
            wait = self.pacer.overall_delay(channel, slots)

    @staticmethod
    async def _hold(recipient: str, until: datetime) -> None:
        """Postpone every pending message of a recipient alike, so their order is kept."""
        await OutboxMessage.filter(
            recipient=recipient, state="pending", next_attempt_at__lt=until
        ).update(next_attempt_at=until)

    async def _send(
        self,
        channel: Channel,
        row: outbox.Claim,
        external: str,
        message: Outbound,
        *,
        slots: int,
        parts: int,
    ) -> int:
        try:
            # a numbered step is noted before it goes out: the answer can come as soon as the
            # message arrives
            await prepare(channel)
            await note_sent(channel, row.recipient, message)
            try:
                message_id = await channel.send(external, message)
            finally:
                if slots:  # stamped on the answer: the server counted it before that
                    self.pacer.record(row.channel, external, count=slots)
        except TransientSendError as exc:
            log.info("outbox %s: retry (%s)", row.key, exc)
            if exc.retry_after:
                self.pacer.pause(row.channel, exc.retry_after)
            retried = await outcomes.mark_retry(
                row, now=self.clock(), error=str(exc), retry_after=exc.retry_after
            )
            return self._lost(row) if not retried else 0
        except RefusedSendError as exc:  # this message, not the person: they stay reachable
            log.warning("outbox %s: refused by the channel (%s)", row.key, exc)
            return self._lost(row) if not await outcomes.mark_failed(row, error=str(exc)) else 0
        except PermanentSendError as exc:
            log.warning("outbox %s: undeliverable (%s)", row.key, exc)
            if not await outcomes.mark_failed(row, error=str(exc)):
                return self._lost(row)  # its new sender will find the same and say it
            await mark_unreachable(row.recipient, now=self.clock(), reason=str(exc))
            self.wakeup.set()  # the secretariat's notice is queued
            return 0
        except Exception as exc:
            log.exception("outbox %s: unexpected failure", row.key)
            if not await outcomes.mark_retry(row, now=self.clock(), error=repr(exc)):
                return self._lost(row)
            return 0
        if row.parts_sent + 1 < parts:
            if not await outcomes.mark_part(row, now=self.lease_clock(), due=self.clock()):
                self._lost(row)
            return 1
        if not await outcomes.mark_sent(
            row, now=self.lease_clock(), external_id=message_id, parts_sent=parts
        ):
            self._lost(row)
        return 1

    @staticmethod
    def _lost(row: outbox.Claim) -> int:
        """A mark found the lease gone (another sender took the row over): it wrote nothing,
        and the row is that sender's now."""
        log.warning("outbox %s: lease lost before its outcome was recorded", row.key)
        return 0

    async def next_due_in(self) -> float:
        """Seconds until the earliest pending message is due (capped at one second)."""
        channels = self.active()
        if not channels:
            return 1.0
        row = (
            await OutboxMessage.filter(state="pending", channel__in=sorted(channels))
            .order_by("next_attempt_at")
            .first()
        )
        if row is None:
            return 1.0
        return max(0.0, min(1.0, (row.next_attempt_at - self.clock()).total_seconds()))

    async def _look_for_expired(self) -> None:
        if time.monotonic() - self._looked < TAKE_OVER_EVERY:
            return
        self._looked = time.monotonic()
        if taken := await self.take_over():
            log.warning("took over %d messages whose sender stopped", taken)

    async def run(self, stop: asyncio.Event) -> None:
        """Send as messages become due until ``stop`` is set; take over expired leases."""
        while not stop.is_set():
            self.wakeup.clear()
            try:
                await self._look_for_expired()
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
