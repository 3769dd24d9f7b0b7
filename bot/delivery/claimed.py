"""A claimed inbox update on its way through a batch, made ready before the transaction.

The channel reads the stored payload into a neutral ``Inbound`` (an unreadable one is handled
as nothing said), and a bound contact's file is downloaded here, outside any transaction, so a
slow or failing download never holds the database; the handler then reads the bytes from
memory (:class:`Prefetched`). A file whose stated size is over the limit is never downloaded,
and one the channel finds too large while fetching (WeCom states no size) is given that size:
the handler refuses it once by its size, rather than the download failing at every retry.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Any

from bot.conversation.context import Deps
from bot.delivery.channel import Channel
from bot.delivery.inbox import Leased
from bot.domain.conversation import Inbound, InboundFile, Outbound
from bot.domain.errors import FileTooLargeError
from bot.reporting.attachments import MAX_FILE_BYTES
from bot.storage.models import Contact

log = logging.getLogger(__name__)


class Prefetched:
    """The file of the update being handled, fetched before the transaction began."""

    def __init__(self, ref: str, content: bytes, fallback: Any) -> None:
        self.ref, self.content, self.fallback = ref, content, fallback

    async def fetch(self, channel: str, file: InboundFile) -> bytes:
        """The prefetched bytes, or any other file from the usual source."""
        if file.ref == self.ref:
            return self.content
        content: bytes = await self.fallback.fetch(channel, file)
        return content


@dataclass(slots=True)
class Claimed:
    """One claimed update: its row, channel, what it says, the handler's dependencies, and
    once handled its replies."""

    row: Leased
    channel: Channel
    inbound: Inbound | None
    deps: Deps
    replies: list[Outbound] = field(default_factory=list)
    done: bool = False

    @classmethod
    def read(cls, row: Leased, channel: Channel, deps: Deps) -> Claimed:
        """The update as its channel reads it (None when it cannot)."""
        try:
            inbound = channel.parse(row.payload)
        except Exception as exc:
            inbound = None
            log.warning("unreadable %s update %s: %s", row.channel, row.external_key, exc)
        return cls(row, channel, inbound, deps)

    @property
    def file(self) -> InboundFile | None:
        """The file it carries, if any."""
        return self.inbound.file if self.inbound is not None else None

    async def prefetch(self) -> None:
        """Download a bound contact's file (within the size limit) for the handler; raises
        when the download fails."""
        file, inbound = self.file, self.inbound
        if file is None or inbound is None:
            return
        if file.size is not None and file.size > MAX_FILE_BYTES:
            return  # the handler refuses it by its stated size: nothing to download
        if not await Contact.exists(identity=inbound.identity, active=True):
            return
        try:
            content = await self.channel.fetch(inbound.channel, file)
        except FileTooLargeError as exc:  # found before (or while) downloading: never retried
            size = exc.size if exc.size is not None else MAX_FILE_BYTES + 1
            self.inbound = replace(inbound, file=replace(file, size=max(size, MAX_FILE_BYTES + 1)))
            log.info("the file of %s update %s is over the limit", inbound.channel, self.row.id)
            return  # the handler refuses it by that size, once
        self.deps = replace(self.deps, files=Prefetched(file.ref, content, self.deps.files))
