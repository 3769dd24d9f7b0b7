"""The scheduler's jobs: plain async functions calling idempotent services, one per kind."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.cadence.calendar import run_calendar_check
from bot.cadence.deadlines import run_deadline_warnings
from bot.cadence.jobs import run_dispatch, run_escalation, run_reminders
from bot.oversight.publish import run_digest
from bot.oversight.supervision import run_daily_supervision
from bot.summaries.cycle import run_quarter
from bot.summaries.quarterly import run_quarter_digest

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class JobContext:
    """What every job gets: the time, the deployment's zone, the data folder."""

    now: datetime
    zone: ZoneInfo
    data_dir: Path


async def _dispatch(ctx: JobContext) -> int:
    return (await run_dispatch(ctx.now, ctx.zone)).queued


async def _remind(ctx: JobContext) -> int:
    return (await run_reminders(ctx.now, ctx.zone)).queued


async def _escalate(ctx: JobContext) -> int:
    return (await run_escalation(ctx.now, ctx.zone)).queued


async def _supervise(ctx: JobContext) -> int:
    return await run_daily_supervision(ctx.now, ctx.zone, ctx.data_dir)


async def _quarter(ctx: JobContext) -> int:
    return await run_quarter(ctx.now, ctx.zone) + await run_quarter_digest(ctx.now, ctx.zone)


async def _deadlines(ctx: JobContext) -> int:
    return await run_deadline_warnings(ctx.now, ctx.zone)


async def _calendar(ctx: JobContext) -> int:
    return await run_calendar_check(ctx.now, ctx.zone)


async def _digest(ctx: JobContext) -> int:
    return await run_digest(ctx.now, ctx.zone, ctx.data_dir)


# Order matters on catch-up: dispatch before reminders, reminders before escalation.
JOBS: dict[str, Callable[[JobContext], Awaitable[int]]] = {
    "dispatch": _dispatch,
    "remind": _remind,
    "escalate": _escalate,
    "supervise": _supervise,  # 督办单 after 催办
    "digest": _digest,
    "quarter": _quarter,
    "deadlines": _deadlines,
    "calendar": _calendar,
}


async def run_job(name: str, ctx: JobContext) -> int:
    """Run one job; returns how many messages it queued. Failures are logged, not raised."""
    try:
        queued = await JOBS[name](ctx)
    except Exception:
        log.exception("scheduled job %s failed; it runs again at its next tick", name)
        return 0
    if queued:
        log.info("job %s queued %d messages", name, queued)
    return queued


async def run_all(ctx: JobContext) -> int:
    """Every job once, in order: the catch-up at start-up."""
    return sum([await run_job(name, ctx) for name in JOBS])
