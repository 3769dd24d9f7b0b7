"""Deferring slow work: a handler decides, a job does the slow part later.

A handler that would build a file or walk the whole plan calls :func:`defer` *inside* its
transaction (tortoise's transaction is ambient), so the job row commits or rolls back with the
handler's replies, and answers at once. The job worker (``bot.delivery.jobs``) claims the row
with a lease, runs the feature's :data:`JobRunner` outside any transaction and queues the
messages it returns in the outbox. Features declare their runners by kind (as they declare
their chat handlers); a runner takes the job's arguments and a :class:`JobContext`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.conversation import Outbound
from bot.storage.models import DeferredJob


@dataclass(frozen=True, slots=True)
class Asker:
    """Who asked for the work and where its result goes."""

    identity: str  # the person (channel identity)
    chat: str  # their private chat, or the group they asked in
    locale: str  # the language of the result


@dataclass(frozen=True, slots=True)
class JobContext:
    """What a runner gets besides its arguments."""

    job_id: int
    asker: Asker
    data_dir: Path
    zone: ZoneInfo
    now: datetime  # the business clock when the job runs


JobRunner = Callable[[dict[str, Any], JobContext], Awaitable[list[Outbound]]]
"""Runs one kind of job outside any transaction; the messages to queue for the asker (an
``Outbound`` without a recipient goes to the chat the asker asked in)."""


async def defer(kind: str, args: dict[str, Any], asker: Asker) -> int:
    """Queue a job of ``kind`` (in the caller's transaction, if any); its id."""
    job = await DeferredJob.create(
        kind=kind,
        args=args,
        identity=asker.identity[:128],
        chat=asker.chat[:128],
        locale=asker.locale[:8],
    )
    return job.id
