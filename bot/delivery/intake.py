"""The inbox: store every update before acknowledging it, then handle it exactly once.

Several processes may share one database. A worker *claims* updates with a lease (owner
``host:pid:random``, expiry) in one ``UPDATE … RETURNING`` (its rows picked with ``FOR UPDATE
SKIP LOCKED`` on PostgreSQL; SQLite has one writer). Only the earliest unhandled update of each
person can be claimed, so a person's updates are handled in order while different people's go
concurrently. A lease that expires (its process died) is taken over by the next claim of any
live worker; nothing is requeued wholesale at start-up.

A claimed batch is handled in one transaction (on PostgreSQL, ``concurrency`` of them side by
side): it first marks the batch processed where this worker still holds the lease (a worker
whose lease was taken over does nothing), then handles each update in a savepoint of its own
and queues its replies in the outbox, so an update that fails rolls back alone and is given
back for a later attempt, and a crash at any point either loses nothing or redoes the batch.
On a channel without buttons the channel first reads a typed answer against the options it
last listed (a bare number picks one only at a pure choice step), in that same savepoint. The
statements themselves are plain SQL (:mod:`bot.delivery.inbox`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from bot.conversation.context import Deps, PendingStates, save_states
from bot.conversation.router import handle
from bot.conversation.speakers import Speaker, speakers
from bot.delivery import flood, inbox
from bot.delivery.channel import Channel
from bot.delivery.choices import read_choice
from bot.delivery.claimed import Claimed
from bot.delivery.inbox import MAX_ATTEMPTS, Leased
from bot.delivery.outbox import Queued, enqueue, enqueue_many, on_postgres
from bot.domain.conversation import Inbound, Outbound
from bot.i18n import Translator
from bot.people.binding import ContactRole
from bot.storage.locks import lease_owner
from bot.storage.models import InboxUpdate

log = logging.getLogger(__name__)
__all__ = ["BATCH", "CLAIM", "LEASE", "MAX_ATTEMPTS", "Intake"]
BATCH = 100  # updates handled per pass at most
CLAIM = 32  # updates leased at once: few enough to be handled well within their lease
LEASE = timedelta(seconds=60)  # far beyond handling one update; a dead worker's rows wait this


def wall_clock() -> datetime:
    """Real time, for leases (the business clock may be simulated)."""
    return datetime.now(UTC)


class Intake:
    """Stores updates from the channels and feeds them to the handlers."""

    def __init__(
        self,
        channels: Mapping[str, Channel],
        deps: Deps,
        *,
        persons: Mapping[str, Callable[[dict[str, Any]], str]] | None = None,
        lease: timedelta = LEASE,
        lease_clock: Callable[[], datetime] = wall_clock,
        concurrency: int = 4,
    ) -> None:
        self.channels = channels
        self.deps = deps
        self.persons = dict(persons or {})  # channel → who sent a stored payload
        self.lease = lease
        self.lease_clock = lease_clock
        self.owner = lease_owner()
        self.concurrency = max(1, concurrency)  # batches in flight at once (PostgreSQL)
        self.wakeup = asyncio.Event()
        self.outbox_wakeup = asyncio.Event()

    # -- storing ----------------------------------------------------------------------------

    def _person(self, channel: str, payload: dict[str, Any]) -> str:
        """Whose update this is (their updates are handled in order); "" when unknown."""
        try:
            if channel in self.persons:
                return self.persons[channel](payload)[:128]
            if channel in self.channels:
                inbound = self.channels[channel].parse(payload)
                return inbound.identity[:128] if inbound is not None else ""
        except Exception:  # unreadable: the worker says so when it handles it
            return ""
        return ""

    async def store(self, channel: str, key: str, payload: dict[str, Any]) -> bool:
        """Keep one update; False when it was already stored (a retry or a duplicate)."""
        stored = await self.store_many(channel, [(key, payload)])
        return stored == 1

    async def store_many(self, channel: str, updates: list[tuple[str, dict[str, Any]]]) -> int:
        """Keep a batch in one statement; duplicates are skipped. Returns how many were new."""
        fresh = dict(updates)  # a key twice in one batch: the last payload, stored once
        if not fresh:
            return 0
        now = datetime.now(UTC)
        count = await inbox.insert(
            channel, [(key, p, now, self._person(channel, p)) for key, p in fresh.items()]
        )
        if count:
            self.wakeup.set()
        return count

    # -- claiming ---------------------------------------------------------------------------

    async def claim(self, limit: int = BATCH, skip: set[int] | None = None) -> list[Leased]:
        """Lease up to ``limit`` updates: each person's earliest, unleased or lease expired."""
        now = self.lease_clock()
        return await inbox.claim(
            self.channels, owner=self.owner, now=now, until=now + self.lease, limit=limit,
            skip=skip or (),
        )  # fmt: skip

    async def process_pending(self, limit: int = BATCH) -> int:
        """Handle claimable updates until none is left (or ``limit``); how many were handled.

        An update that fails is tried once per call; its person's later updates wait for it.
        """
        done = 0
        failed: set[int] = set()
        while done < limit:
            rows = await self.claim(min(CLAIM, limit - done), skip=failed)
            if not rows:
                break
            waits = await flood.waits((r.person for r in rows), self.lease_clock())
            for row in [r for r in rows if r.person in waits]:
                await self._defer(row, waits[row.person])
            rows = [r for r in rows if r.person not in waits]
            results = await self._handle(rows)
            done += sum(results)
            failed.update(row.id for row, ok in zip(rows, results, strict=True) if not ok)
            if rows and not any(results):
                break
        return done

    # -- handling ---------------------------------------------------------------------------

    async def _process(self, row: Leased) -> int:
        """Handle one claimed update: 1 when it was handled."""
        return (await self._handle([row]))[0]

    async def _handle(self, rows: list[Leased]) -> list[int]:
        """Handle claimed updates in batches; 1 for each handled, 0 for each not."""
        items = [Claimed.read(row, self.channels[row.channel], self.deps) for row in rows]
        with_files = [i for i in items if i.file is not None]
        if with_files:  # downloads first, outside any transaction, ``concurrency`` at once
            gate = asyncio.Semaphore(self.concurrency)
            fetched = await asyncio.gather(*(self._prefetch(i, gate) for i in with_files))
            failed = {id(i) for i, ok in zip(with_files, fetched, strict=True) if not ok}
            ready = [i for i in items if id(i) not in failed]
        else:
            ready = items
        width = self.concurrency if on_postgres() else 1  # SQLite: one writer, one batch
        batches = [ready[n::width] for n in range(width) if ready[n::width]]
        await asyncio.gather(*(self._batch(b) for b in batches))
        if any(i.replies or not i.done for i in ready):  # replies, or perhaps an apology
            self.outbox_wakeup.set()
        await asyncio.gather(*(self._acknowledge(i) for i in ready if i.done))
        return [int(i.done) for i in items]

    @staticmethod
    async def _acknowledge(item: Claimed) -> None:
        """Tell the channel the update was handled (a pressed button stops spinning)."""
        try:
            await item.channel.acknowledge(item.row.payload, item.replies)
        except Exception:
            log.info("acknowledging %s update %s failed", item.row.channel, item.row.id)

    async def _prefetch(self, item: Claimed, gate: asyncio.Semaphore) -> bool:
        """The file downloaded outside any transaction; when that fails the update fails this
        attempt (and is tried again later) rather than fetching inside the transaction."""
        try:
            async with gate:
                await item.prefetch()
        except Exception as exc:
            row = item.row
            log.warning("fetching the file of %s update %s failed: %r", row.channel, row.id, exc)
            await self._failed(item, exc, unmark=False)
            return False
        return True

    async def _batch(self, items: list[Claimed]) -> None:
        """Handle ``items`` in one transaction: all at once, and when one of them fails, again
        with each in a savepoint of its own (a failure then undoes that one alone)."""
        if len(items) > 1 and await self._at_once(items):
            return
        try:
            async with in_transaction():
                won = await self._mark_handled(items)
                for item in items:
                    row = item.row
                    if row.id not in won:
                        log.info(
                            "update %s/%s was taken over by another worker", row.channel, row.id
                        )
                        continue
                    try:
                        async with in_transaction():  # a savepoint: a failure undoes this alone
                            await self._handle_one(item)
                            await enqueue_many(self._queued(item), now=self.deps.clock())
                    except Exception as exc:
                        log.exception("update %s/%s failed", row.channel, row.external_key)
                        item.replies = []
                        await self._failed(item, exc, unmark=True)
                        continue
                    item.done = True
        except Exception as exc:
            log.exception("a batch of %d updates failed", len(items))
            for item in items:
                item.done, item.replies = False, []
                await self._failed(item, exc, unmark=False)

    async def _mark_handled(self, items: list[Claimed]) -> set[int]:
        """Mark the batch handled where this worker's lease still holds; the ids it won."""
        return set(
            await inbox.mark_handled(
                [i.row.id for i in items], owner=self.owner,
                processed_at=self.deps.clock(), handled_at=self.lease_clock(),
            )
        )  # fmt: skip

    async def _at_once(self, items: list[Claimed]) -> bool:
        """Handle ``items`` in one transaction without savepoints (two statements less per
        update); False, with nothing kept, when any of them fails."""
        handled: list[Claimed] = []
        try:
            async with in_transaction():
                won = await self._mark_handled(items)
                mine = [i for i in items if i.row.id in won]
                speaking = await speakers([i.inbound.identity for i in mine if i.inbound])
                fresh = True  # the speakers read before the batch still hold
                # reporters' new states, written together at the end — on SQLite only: its
                # transaction holds the one write lock from its first statement, so no other
                # batch (here or in another process) can revoke one of them meanwhile; on
                # PostgreSQL batches run side by side, and each state is written (and its row
                # locked) as its turn ends, before another batch's revoke can delete it
                deferring = not on_postgres()
                states: PendingStates = []
                for item in mine:
                    who = speaking.get(item.inbound.identity) if fresh and item.inbound else None
                    role = who.contact.role if who and who.contact else None
                    if role != ContactRole.REPORTER:
                        fresh = False  # it may change others' bindings and states: read anew
                        await save_states(states)  # after what came before it, as one by one
                        states.clear()
                    await self._handle_one(item, who, states if fresh and deferring else None)
                    handled.append(item)
                await save_states(states)  # one statement for the batch's reporters
                queued = [q for item in handled for q in self._queued(item)]
                await enqueue_many(queued, now=self.deps.clock())  # one statement for all
        except Exception:
            log.info("a batch of %d updates failed; handling them one by one", len(items))
            for item in items:
                item.replies = []
            return False
        for item in handled:
            item.done = True
        for item in items:
            if not item.done:
                row = item.row
                log.info("update %s/%s was taken over by another worker", row.channel, row.id)
        return True

    async def _handle_one(
        self,
        item: Claimed,
        speaker: Speaker | None = None,
        states: PendingStates | None = None,
    ) -> None:
        """Handle one update; ``states``: where its speaker's new state goes when the batch
        writes its states together."""
        row, inbound = item.row, item.inbound
        payload = inbox.redacted(row.payload, inbound)
        if payload is not None:
            await InboxUpdate.filter(id=row.id).update(payload=payload)
        if inbound is None:
            return
        choice = await read_choice(item.channel, inbound)
        item.replies = await handle(choice, item.deps, speaker, states)

    @staticmethod
    def _queued(item: Claimed) -> list[Queued]:
        """The item's replies as the outbox queues them (a key per reply of the update)."""
        row, inbound = item.row, item.inbound
        if inbound is None:
            return []
        return [
            (f"reply:{row.id}:{i}", reply.recipient or inbound.chat_identity, reply, None)
            for i, reply in enumerate(item.replies)
        ]

    async def _failed(self, item: Claimed, exc: Exception, *, unmark: bool) -> None:
        """Count the attempt and give the lease back (or give up and apologise); ``unmark``
        inside the batch's transaction, where the update was marked handled."""
        attempts = await inbox.give_back(
            item.row.id, owner=self.owner, error=repr(exc), unmark=unmark
        )
        if attempts is not None and attempts >= MAX_ATTEMPTS and item.inbound is not None:
            await self._apologise(item.row, item.inbound)

    async def _defer(self, row: Leased, until: datetime) -> None:
        """Over the flood limit: the update waits (its person's later ones behind it) until
        ``until``, kept and not handled; the person hears once per notice window that their
        messages are queued."""
        async with in_transaction():
            won = await InboxUpdate.filter(
                id=row.id, lease_owner=self.owner, processed_at=None
            ).update(lease_owner=None, lease_until=until)
            if not won:
                return
            try:
                inbound = self.channels[row.channel].parse(row.payload)
            except Exception:  # unreadable: said when it is handled
                inbound = None
            if inbound is None or inbound.is_group:
                return
            tr = Translator(inbound.language)
            notice = Outbound(
                text=tr.gettext(
                    "You are sending messages faster than I can take them; the rest are "
                    "queued and will be handled in a moment, in order."
                ),
                locale=tr.locale,
            )
            key = f"flood:{inbound.identity}:{flood.notice_window(self.lease_clock())}"
            await enqueue(key, inbound.chat_identity, notice, now=self.deps.clock())
        self.outbox_wakeup.set()

    async def _apologise(self, row: Leased, inbound: Inbound) -> None:
        """The update could not be handled: say so rather than stay silent."""
        tr = Translator(inbound.language)
        sorry = Outbound(
            text=tr.gettext(
                "Sorry, that could not be processed. Please try again later; "
                "if it keeps failing, tell the secretariat."
            ),
            locale=tr.locale,
        )
        await enqueue(f"apology:{row.id}", inbound.chat_identity, sorry, now=self.deps.clock())
        self.outbox_wakeup.set()

    async def run(self, stop: asyncio.Event, idle: float = 1.0) -> None:
        """Handle updates as they arrive until ``stop`` is set.

        Every pass claims what is free, so leases left by a dead process are taken over by the
        first pass after they expire (at most ``idle`` seconds later).
        """
        while not stop.is_set():
            self.wakeup.clear()
            try:
                handled = await self.process_pending()
            except Exception:
                log.exception("inbox pass failed; retrying")
                handled = 0
            if handled:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wakeup.wait(), timeout=idle)
