"""The inbox: store every update before acknowledging it, then handle it exactly once.

Several processes may share one database. A worker *claims* updates with a lease (owner
``host:pid:random``, expiry): on PostgreSQL with ``SELECT … FOR UPDATE SKIP LOCKED``, on SQLite
(one writer) with a conditional UPDATE. Only the earliest unhandled update of each person can
be claimed, so a person's updates are handled in order while different people's go
concurrently. A lease that expires (its process died) is taken over by the next claim of any
live worker; nothing is requeued wholesale at start-up.

Handling an update, queuing its replies in the outbox and marking it processed happen in one
transaction that first re-checks the lease (so a worker whose lease was taken over does
nothing), so a crash at any point either loses nothing or redoes the whole update. On a channel
without buttons the channel first reads a typed answer against the options it last listed (a
bare number picks one only at a pure choice step), in that same transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import F, Q, Subquery
from tortoise.functions import Min
from tortoise.transactions import in_transaction

from bot.conversation.context import Deps
from bot.conversation.router import handle
from bot.delivery import flood
from bot.delivery.channel import Channel
from bot.delivery.choices import read_choice
from bot.delivery.outbox import enqueue, on_postgres
from bot.domain.conversation import Inbound, InboundFile, Outbound
from bot.i18n import Translator
from bot.reporting.attachments import MAX_FILE_BYTES
from bot.storage.locks import lease_owner
from bot.storage.models import Contact, InboxUpdate

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
BATCH = 100  # updates handled per pass at most
CLAIM = 32  # updates leased at once: few enough to be handled well within their lease
LEASE = timedelta(seconds=60)  # far beyond handling one update; a dead worker's rows wait this


def wall_clock() -> datetime:
    """Real time, for leases (the business clock may be simulated)."""
    return datetime.now(UTC)


class LeaseLostError(Exception):
    """Another worker took the update over: this one must not handle it."""


class _Prefetched:
    """The file of the update being handled, fetched before the transaction began."""

    def __init__(self, ref: str, content: bytes, fallback: Any) -> None:
        self.ref, self.content, self.fallback = ref, content, fallback

    async def fetch(self, channel: str, file: InboundFile) -> bytes:
        if file.ref == self.ref:
            return self.content
        content: bytes = await self.fallback.fetch(channel, file)
        return content


def _placeholders(rows: int, width: int, *, postgres: bool) -> str:
    """``(?, ?), (?, ?)`` for ``rows`` rows of ``width`` values (``($1, $2), ($3, $4)`` on
    PostgreSQL)."""
    marks = [f"${n}" if postgres else "?" for n in range(1, rows * width + 1)]
    return ", ".join("(" + ", ".join(marks[r * width : (r + 1) * width]) + ")" for r in range(rows))


CODE_MARKER = "[bind code]"


def _scrub(value: Any, code: str) -> Any:
    """``value`` with every occurrence of ``code`` in its strings replaced by the marker."""
    if isinstance(value, str):
        return value.replace(code, CODE_MARKER)
    if isinstance(value, dict):
        return {k: _scrub(v, code) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, code) for v in value]
    return value


def _redacted(payload: dict[str, Any], inbound: Inbound | None) -> dict[str, Any]:
    """The fields to store with a handled update: a bind code (``/start CODE``, ``绑定 CODE``)
    is replaced in the stored payload, so a dump of the inbox hands out no valid code."""
    if inbound is None or inbound.kind != "command" or inbound.command != "start":
        return {}
    code = inbound.args.strip()
    return {"payload": _scrub(payload, code)} if code else {}


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
        self.concurrency = max(1, concurrency)
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
        """Keep a batch in one statement; duplicates are skipped. Returns how many were new.

        ``INSERT … ON CONFLICT DO NOTHING RETURNING``: no look-up first, and an update stored
        concurrently by another process is skipped by the database, not raised.
        """
        fresh = dict(updates)  # a key twice in one batch: the last payload, stored once
        if not fresh:
            return 0
        db = InboxUpdate._meta.db
        payload = InboxUpdate._meta.fields_map["payload"]
        now = datetime.now(UTC)
        rows = [
            (channel, key, payload.to_db_value(p, InboxUpdate), now, 0, self._person(channel, p))
            for key, p in fresh.items()
        ]
        values = _placeholders(len(rows), 6, postgres=on_postgres())
        sql = (  # only placeholders are formatted in: the values are bound parameters
            'INSERT INTO "inbox_update" ("channel", "external_key", "payload", "received_at", '  # noqa: S608
            f'"attempts", "person") VALUES {values} '
            'ON CONFLICT ("channel", "external_key") DO NOTHING RETURNING "id"'
        )
        inserted = await db.execute_query_dict(sql, [v for row in rows for v in row])
        count = len(inserted)
        if count:
            self.wakeup.set()
        return count

    # -- claiming ---------------------------------------------------------------------------

    def _pending(self) -> Any:
        return InboxUpdate.filter(
            processed_at=None, attempts__lt=MAX_ATTEMPTS, channel__in=sorted(self.channels)
        )

    async def claim(self, limit: int = BATCH, skip: set[int] | None = None) -> list[InboxUpdate]:
        """Lease up to ``limit`` updates: each person's earliest, unleased or lease expired."""
        if not self.channels:
            return []
        now = self.lease_clock()
        free = Q(lease_until=None) | Q(lease_until__lt=now)
        heads = Subquery(
            self._pending()
            .filter(person__not="")
            .annotate(head=Min("id"))
            .group_by("person")
            .values("head")
        )
        query = self._pending().filter(free).filter(Q(person="") | Q(id__in=heads))
        if skip:
            query = query.exclude(id__in=sorted(skip))
        query = query.order_by("id").limit(limit)
        until = now + self.lease
        if on_postgres():
            async with in_transaction():
                rows = list(await query.select_for_update(skip_locked=True))
                ids = [r.id for r in rows]
                if ids:
                    await InboxUpdate.filter(id__in=ids).update(
                        lease_owner=self.owner, lease_until=until
                    )
        else:  # one writer: the conditional UPDATE is the claim
            rows = list(await query)
            ids = [r.id for r in rows]
            if ids:
                await (
                    InboxUpdate.filter(id__in=ids, processed_at=None)
                    .filter(free)
                    .update(lease_owner=self.owner, lease_until=until)
                )
                mine = set(
                    await InboxUpdate.filter(
                        id__in=ids, lease_owner=self.owner, lease_until=until
                    ).values_list("id", flat=True)
                )
                rows = [r for r in rows if r.id in mine]
        for row in rows:
            row.lease_owner, row.lease_until = self.owner, until
        return rows

    async def process_pending(self, limit: int = BATCH) -> int:
        """Handle claimable updates until none is left (or ``limit``); how many were handled.

        An update that fails is tried once per call; its person's later updates wait for it.
        """
        done = 0
        failed: set[int] = set()
        gate = asyncio.Semaphore(self.concurrency)

        async def one(row: InboxUpdate) -> int:
            async with gate:
                return await self._process(row)

        while done < limit:
            rows = await self.claim(min(CLAIM, limit - done), skip=failed)
            if not rows:
                break
            waits = await flood.waits((r.person for r in rows), self.lease_clock())
            for row in [r for r in rows if r.person in waits]:
                await self._defer(row, waits[row.person])
            rows = [r for r in rows if r.person not in waits]
            results = await asyncio.gather(*(one(row) for row in rows))
            done += sum(results)
            failed.update(row.id for row, ok in zip(rows, results, strict=True) if not ok)
            if rows and not any(results):
                break
        return done

    # -- handling ---------------------------------------------------------------------------

    async def _deps_for(self, channel: Channel, inbound: Inbound) -> Deps:
        """The handler's dependencies, with a bound contact's file already downloaded.

        The download happens here, outside the transaction; when it fails the update fails
        this attempt (and is tried again later) rather than fetching inside the transaction.
        """
        file = inbound.file
        if file is None or not await Contact.exists(identity=inbound.identity, active=True):
            return self.deps
        if file.size is not None and file.size > MAX_FILE_BYTES:
            return self.deps  # the handler refuses it by its stated size: nothing to download
        content = await channel.fetch(inbound.channel, file)
        return replace(self.deps, files=_Prefetched(file.ref, content, self.deps.files))

    async def _mark(self, row: InboxUpdate, **fields: Any) -> None:
        """Mark the update processed if this worker still holds it (inside the transaction).

        ``lease_until`` becomes the real time it was handled: flood control counts from it.
        """
        won = await InboxUpdate.filter(id=row.id, lease_owner=self.owner, processed_at=None).update(
            processed_at=self.deps.clock(), lease_until=self.lease_clock(), **fields
        )
        if not won:
            raise LeaseLostError

    async def _process(self, row: InboxUpdate) -> int:
        channel = self.channels[row.channel]
        try:
            inbound = channel.parse(row.payload)
        except Exception as exc:
            inbound = None
            log.warning("unreadable %s update %s: %s", row.channel, row.external_key, exc)
        try:
            deps = await self._deps_for(channel, inbound) if inbound else self.deps
        except Exception as exc:
            log.warning("fetching the file of %s update %s failed: %r", row.channel, row.id, exc)
            await self._failed(row, inbound, exc)
            return 0
        replies = []
        try:
            async with in_transaction():
                await self._mark(row, **_redacted(row.payload, inbound))
                if inbound is not None:
                    replies = await handle(await read_choice(channel, inbound), deps)
                    now = deps.clock()
                    for i, reply in enumerate(replies):
                        recipient = reply.recipient or inbound.chat_identity
                        await enqueue(f"reply:{row.id}:{i}", recipient, reply, now=now)
        except LeaseLostError:
            log.info("update %s/%s was taken over by another worker", row.channel, row.id)
            return 0
        except Exception as exc:
            log.exception("update %s/%s failed", row.channel, row.external_key)
            await self._failed(row, inbound, exc)
            return 0
        if replies:
            self.outbox_wakeup.set()
        try:
            await channel.acknowledge(row.payload, replies)
        except Exception:
            log.info("acknowledging %s update %s failed", row.channel, row.external_key)
        return 1

    async def _failed(self, row: InboxUpdate, inbound: Inbound | None, exc: Exception) -> None:
        """Count the attempt and give the lease back (or give up and apologise)."""
        changed = await InboxUpdate.filter(id=row.id, lease_owner=self.owner).update(
            attempts=F("attempts") + 1, error=repr(exc)[:2000], lease_owner=None, lease_until=None
        )
        if not changed:
            return
        fresh = await InboxUpdate.get_or_none(id=row.id)
        if fresh is not None and fresh.attempts >= MAX_ATTEMPTS and inbound is not None:
            await self._apologise(row, inbound)

    async def _defer(self, row: InboxUpdate, until: datetime) -> None:
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

    async def _apologise(self, row: InboxUpdate, inbound: Inbound) -> None:
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
