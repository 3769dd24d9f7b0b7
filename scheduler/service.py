"""APScheduler 3 wiring: CronTriggers in the deployment's zone, a generous misfire grace,
leader election, and a catch-up run when this process becomes the scheduler."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.storage.locks import lead
from scheduler.jobs import JOBS, JobContext, run_all, run_job
from scheduler.lock import SchedulerLock

log = logging.getLogger(__name__)
MISFIRE_GRACE = 6 * 3600  # APScheduler's default of 1 s silently skips a late job
TICK_MINUTES = "*/5"  # each job checks what is due: per-plan times need no trigger of their own
LEADER_RETRY = 30.0


class SchedulerService:
    """Runs the cadence jobs in one process of the deployment."""

    def __init__(
        self,
        url: str,
        zone: ZoneInfo,
        clock: Callable[[], datetime],
        on_queued: Callable[[], None],
        data_dir: Path = Path("data"),
    ) -> None:
        self.zone = zone
        self.data_dir = data_dir
        self.clock = clock
        self.on_queued = on_queued
        self.lock = SchedulerLock(url)
        self.scheduler: AsyncIOScheduler | None = None
        self._task: asyncio.Task[None] | None = None

    def _context(self) -> JobContext:
        return JobContext(self.clock(), self.zone, self.data_dir)

    async def _job(self, name: str) -> None:
        if await run_job(name, self._context()):
            self.on_queued()

    def _build(self) -> AsyncIOScheduler:
        scheduler = AsyncIOScheduler(timezone=self.zone)
        for name in JOBS:
            scheduler.add_job(
                self._job,
                CronTrigger(minute=TICK_MINUTES, timezone=self.zone),
                args=[name],
                id=name,
                name=name,
                misfire_grace_time=MISFIRE_GRACE,
                coalesce=True,
                max_instances=1,
                replace_existing=True,
            )
        return scheduler

    async def _lead(self, stop: asyncio.Event) -> None:
        if not await lead(self.lock, stop, retry=LEADER_RETRY, log=log):
            return
        log.info("this process runs the scheduler")
        if await run_all(self._context()):  # catch up on what was due while down
            self.on_queued()
        self.scheduler = self._build()
        self.scheduler.start()

    def start(self, stop: asyncio.Event) -> None:
        """Become the scheduler as soon as no other process is."""
        self._task = asyncio.create_task(self._lead(stop))

    async def stop(self) -> None:
        """Stop scheduling and give the lock up."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await self.lock.release()

    def next_runs(self) -> dict[str, datetime | None]:
        """When each job fires next (for ``duban schedule show`` and tests)."""
        if self.scheduler is None:
            return {}
        return {job.id: job.next_run_time for job in self.scheduler.get_jobs()}
