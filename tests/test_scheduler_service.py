"""The scheduler's wiring: one leader per database, CronTriggers with a generous misfire grace,
and the catch-up run when the process becomes the leader."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.importers import read_plan
from bot.people.binding import ContactRole, create_invite, redeem_invite
from bot.plans.importing import import_plan
from bot.storage.models import OutboxMessage
from scheduler.jobs import JOBS
from scheduler.lock import SchedulerLock
from scheduler.service import MISFIRE_GRACE, SchedulerService
from tests.waiting import CEILING, eventually

TZ = ZoneInfo("Asia/Shanghai")


async def test_one_leader_per_database(database_url: str) -> None:
    first, second = SchedulerLock(database_url), SchedulerLock(database_url)
    assert await first.try_acquire()
    assert not await second.try_acquire()
    await first.release()
    assert await second.try_acquire()
    await second.release()


async def test_leader_catches_up_and_schedules_every_job(db: str, sample_plan: Path) -> None:
    await import_plan(
        read_plan(sample_plan), source_name="sample.md", sha256="0" * 64, now=datetime.now(UTC)
    )
    late = datetime(2026, 11, 20, 15, 0, tzinfo=TZ)  # down on the 18th, the dispatch day
    code = (await create_invite("县发改局", ContactRole.REPORTER, now=late, locale="zh_CN")).code
    await redeem_invite(
        code, identity="telegram:1", channel="telegram", display_name="王",
        chat_identity="telegram:1", is_group=False, now=late,
    )  # fmt: skip
    woken = asyncio.Event()
    service = SchedulerService(db, TZ, lambda: late, woken.set)
    stop = asyncio.Event()
    service.start(stop)
    try:
        await asyncio.wait_for(woken.wait(), CEILING)  # the catch-up run queued something
        await eventually(lambda: service.scheduler is not None, what="the jobs are scheduled")
        assert (
            await OutboxMessage.filter(key__startswith="dispatch:", recipient="telegram:1").count()
            == 1
        )
        assert service.scheduler is not None
        jobs = service.scheduler.get_jobs()
        assert sorted(job.id for job in jobs) == sorted(JOBS)
        assert all(job.misfire_grace_time == MISFIRE_GRACE and job.coalesce for job in jobs)
        assert all(job.next_run_time is not None for job in jobs)
        other = SchedulerLock(db)
        assert not await other.try_acquire()  # the leader holds the lock while it runs
    finally:
        stop.set()
        await service.stop()
    after = SchedulerLock(db)
    assert await after.try_acquire()  # released on stop
    await after.release()
