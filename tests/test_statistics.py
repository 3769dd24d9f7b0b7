"""A dispatch that opened requests leaves PostgreSQL's planner statistics of them fresh (so the
month's first replies are planned for the tables as they now are); SQLite is left as it is."""

from __future__ import annotations

from bot.cadence.dispatch import dispatch
from bot.cadence.jobs import run_dispatch
from bot.domain.cadence import ADMIN, Cadence, stored
from bot.domain.reporting import Month
from bot.storage.models import Plan, ReportRequest
from tests.test_board import NOW
from tests.test_cadence_due_day import TZ, at


async def _analysed() -> int | None:
    """How often report_request was analysed (None on SQLite: no statistics were asked for)."""
    db = ReportRequest._meta.db
    if str(db.capabilities.dialect) != "postgres":
        found = await db.execute_query_dict(
            "SELECT count(*) AS n FROM sqlite_master WHERE name = 'sqlite_stat1'"
        )
        assert found[0]["n"] == 0  # no ANALYZE on SQLite
        return None
    await db.execute_query_dict("SELECT pg_stat_clear_snapshot()")
    found = await db.execute_query_dict(
        "SELECT analyze_count AS n FROM pg_stat_user_tables WHERE relname = 'report_request'"
    )
    return int(found[0]["n"])


async def test_a_dispatch_refreshes_the_statistics_of_what_it_opened(planned: str) -> None:
    before = await _analysed()
    await dispatch(Month(2026, 10), now=NOW, today=NOW.date())
    after = await _analysed()
    assert after is None or (before is not None and after > before)


async def test_the_scheduled_dispatch_refreshes_them_too_and_only_when_it_opened_any(
    planned: str,
) -> None:
    plan = await Plan.get()
    plan.cadence = stored(Cadence(due_day=8, due_next_month=False), ADMIN)
    await plan.save()
    before = await _analysed()
    report = await run_dispatch(at("2026-09-23 09:05"), TZ)  # the running bot's way
    assert report.periods == [f"{plan.id}:2026-10"]
    after = await _analysed()
    assert after is None or (before is not None and after > before)
    await run_dispatch(at("2026-09-23 09:10"), TZ)  # five minutes on: nothing new opened
    assert await _analysed() == after  # and no ANALYZE
