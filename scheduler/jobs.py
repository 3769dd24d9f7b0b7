"""The scheduler's jobs: plain async functions calling idempotent services, one per kind."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.services.cadence import run_dispatch, run_escalation, run_reminders
from bot.services.watch import run_calendar_check, run_deadline_warnings

log = logging.getLogger(__name__)


async def _dispatch(now: datetime, zone: ZoneInfo) -> int:
    return (await run_dispatch(now, zone)).queued


async def _remind(now: datetime, zone: ZoneInfo) -> int:
    return (await run_reminders(now, zone)).queued


async def _escalate(now: datetime, zone: ZoneInfo) -> int:
    return (await run_escalation(now, zone)).queued


# Order matters on catch-up: dispatch before reminders, reminders before escalation.
JOBS: dict[str, Callable[[datetime, ZoneInfo], Awaitable[int]]] = {
    "dispatch": _dispatch,
    "remind": _remind,
    "escalate": _escalate,
    "deadlines": run_deadline_warnings,
    "calendar": run_calendar_check,
}


async def run_job(name: str, now: datetime, zone: ZoneInfo) -> int:
    """Run one job; returns how many messages it queued. Failures are logged, not raised."""
    try:
        queued = await JOBS[name](now, zone)
    except Exception:
        log.exception("scheduled job %s failed; it runs again at its next tick", name)
        return 0
    if queued:
        log.info("job %s queued %d messages", name, queued)
    return queued


async def run_all(now: datetime, zone: ZoneInfo) -> int:
    """Every job once, in order: the catch-up at start-up."""
    return sum([await run_job(name, now, zone) for name in JOBS])
