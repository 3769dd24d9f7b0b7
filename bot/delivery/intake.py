"""The inbox: store every update before acknowledging it, then handle it exactly once.

Handling an update, queuing its replies in the outbox and marking it processed happen in
one transaction, so a crash at any point either loses nothing or redoes the whole update.
On a channel without buttons the channel first reads a typed answer against the options it
last listed (a bare number picks one only at a pure choice step), in that same transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from bot.conversation.context import Deps
from bot.conversation.router import handle
from bot.delivery.channel import Channel
from bot.delivery.choices import read_choice
from bot.delivery.flood import FloodGuard
from bot.delivery.outbox import enqueue
from bot.domain.conversation import Inbound, InboundFile, Outbound
from bot.i18n import Translator
from bot.reporting.attachments import MAX_FILE_BYTES
from bot.storage.models import Contact, InboxUpdate

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
BATCH = 100


class _Prefetched:
    """The file of the update being handled, fetched before the transaction began."""

    def __init__(self, ref: str, content: bytes, fallback: Any) -> None:
        self.ref, self.content, self.fallback = ref, content, fallback

    async def fetch(self, channel: str, file: InboundFile) -> bytes:
        if file.ref == self.ref:
            return self.content
        content: bytes = await self.fallback.fetch(channel, file)
        return content


class Intake:
    """Stores updates from the channels and feeds them to the handlers."""

    def __init__(self, channels: Mapping[str, Channel], deps: Deps) -> None:
        self.channels = channels
        self.deps = deps
        self.wakeup = asyncio.Event()
        self.outbox_wakeup = asyncio.Event()
        self.flood = FloodGuard()

    async def store(self, channel: str, key: str, payload: dict[str, Any]) -> bool:
        """Keep one update; False when it was already stored (a retry or a duplicate)."""
        stored = await self.store_many(channel, [(key, payload)])
        return stored == 1

    async def store_many(self, channel: str, updates: list[tuple[str, dict[str, Any]]]) -> int:
        """Keep a batch in one transaction; duplicates are skipped. Returns how many were new."""
        if not updates:
            return 0
        keys = [k for k, _ in updates]
        found = await InboxUpdate.filter(channel=channel, external_key__in=keys).values_list(
            "external_key", flat=True
        )
        known = {str(k) for k in found}
        fresh = {k: p for k, p in updates if k not in known}
        count = len(fresh)
        try:
            async with in_transaction():
                await InboxUpdate.bulk_create(
                    [
                        InboxUpdate(channel=channel, external_key=k, payload=p)
                        for k, p in fresh.items()
                    ]
                )
        except IntegrityError:  # stored concurrently: fall back to one by one
            count = 0
            for k, p in fresh.items():
                try:
                    await InboxUpdate.create(channel=channel, external_key=k, payload=p)
                    count += 1
                except IntegrityError:
                    continue
        if count:
            self.wakeup.set()
        return count

    async def process_pending(self, limit: int = BATCH) -> int:
        """Handle stored updates in arrival order; returns how many were handled."""
        rows = (
            await InboxUpdate.filter(processed_at=None, attempts__lt=MAX_ATTEMPTS)
            .order_by("id")
            .limit(limit)
        )
        done = 0
        for row in rows:
            if row.channel in self.channels:
                done += await self._process(row)
        return done

    async def _deps_for(self, channel: Channel, inbound: Inbound) -> Deps:
        file = inbound.file
        if file is None or not await Contact.exists(identity=inbound.identity, active=True):
            return self.deps
        if file.size is not None and file.size > MAX_FILE_BYTES:
            return self.deps  # the handler refuses it by its stated size: nothing to download
        try:
            content = await channel.fetch(inbound.channel, file)
        except Exception:
            return self.deps
        return replace(self.deps, files=_Prefetched(file.ref, content, self.deps.files))

    async def _process(self, row: InboxUpdate) -> int:
        channel = self.channels[row.channel]
        try:
            inbound = channel.parse(row.payload)
        except Exception as exc:
            inbound = None
            log.warning("unreadable %s update %s: %s", row.channel, row.external_key, exc)
        if inbound is not None and not self.flood.admit(inbound.identity):
            return await self._slow_down(row, inbound)
        deps = await self._deps_for(channel, inbound) if inbound else self.deps
        replies = []
        try:
            async with in_transaction():
                if inbound is not None:
                    replies = await handle(await read_choice(channel, inbound), deps)
                    now = deps.clock()
                    for i, reply in enumerate(replies):
                        recipient = reply.recipient or inbound.chat_identity
                        await enqueue(f"reply:{row.id}:{i}", recipient, reply, now=now)
                row.processed_at = deps.clock()
                await row.save(update_fields=["processed_at"])
        except Exception as exc:
            log.exception("update %s/%s failed", row.channel, row.external_key)
            row.attempts += 1
            row.error = repr(exc)[:2000]
            await row.save(update_fields=["attempts", "error"])
            if row.attempts >= MAX_ATTEMPTS and inbound is not None:
                await self._apologise(row, inbound)
            return 0
        if replies:
            self.outbox_wakeup.set()
        try:
            await channel.acknowledge(row.payload, replies)
        except Exception:
            log.info("acknowledging %s update %s failed", row.channel, row.external_key)
        return 1

    async def _slow_down(self, row: InboxUpdate, inbound: Inbound) -> int:
        """Over the flood limit: keep the update, do not handle it, say so once a minute."""
        tr = Translator(inbound.language)
        notice = Outbound(
            text=tr.gettext("You are sending messages very quickly; please wait a minute."),
            locale=tr.locale,
        )
        key = f"flood:{inbound.identity}:{self.flood.window()}"
        async with in_transaction():
            row.processed_at = self.deps.clock()
            row.error = "flood: not handled"
            await row.save(update_fields=["processed_at", "error"])
            if not inbound.is_group:
                await enqueue(key, inbound.chat_identity, notice, now=self.deps.clock())
        self.outbox_wakeup.set()
        return 1

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
        """Handle updates as they arrive until ``stop`` is set."""
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
