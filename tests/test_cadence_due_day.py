"""The dispatch job under a due-day cadence whose dates cross a month: a due day early in the
month puts the dispatch in the month before, 每月5日前报送上月 puts the due day in the next."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cadence.jobs import run_dispatch
from bot.domain.cadence import ADMIN, Cadence, stored
from bot.importers import read_plan
from bot.plans.importing import import_plan
from bot.storage.models import Plan, ReportingPeriod

TZ = ZoneInfo("Asia/Shanghai")


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=TZ).astimezone(UTC)


@pytest.fixture
async def plan(db: str, sample_plan: Path) -> Plan:
    outcome = await import_plan(
        read_plan(sample_plan), source_name="s.md", sha256="0" * 64, now=datetime.now(UTC)
    )
    return await Plan.get(id=outcome.plan_id)


async def _set(plan: Plan, cadence: Cadence) -> None:
    plan.cadence = stored(cadence, ADMIN)
    await plan.save()


async def test_an_early_due_day_dispatches_in_the_month_before(plan: Plan) -> None:
    # October's reports due by the 8th: 5 working days before it, over the National Day
    # holiday, is Wednesday September 23rd
    await _set(plan, Cadence(due_day=8, due_next_month=False))
    assert (await run_dispatch(at("2026-09-23 08:55"), TZ)).periods == []
    report = await run_dispatch(at("2026-09-23 09:05"), TZ)
    assert report.periods == [f"{plan.id}:2026-10"]
    period = await ReportingPeriod.get(plan=plan, key="2026-10")
    assert (period.dispatch_on, period.due_on) == (date(2026, 9, 23), date(2026, 10, 8))


async def test_a_due_day_in_the_next_month_is_caught_up_there(plan: Plan) -> None:
    # 每月5日前报送上月: October's reports due by November 5th, dispatched October 29th; the
    # bot was down until November 2nd and dispatches October then, with its own due day
    await _set(plan, Cadence(due_day=5, due_next_month=True))
    report = await run_dispatch(at("2026-11-02 09:05"), TZ)
    assert report.periods == [f"{plan.id}:2026-10"]
    period = await ReportingPeriod.get(plan=plan, key="2026-10")
    assert period.due_on == date(2026, 11, 5)
    # past the due day nothing more goes out for October; November waits for its own dispatch
    assert (await run_dispatch(at("2026-11-06 09:05"), TZ)).periods == []
    assert not await ReportingPeriod.exists(plan=plan, key="2026-11")
