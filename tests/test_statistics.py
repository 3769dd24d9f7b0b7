"""A dispatch that opened requests leaves PostgreSQL's planner statistics of them fresh (so the
month's first replies are planned for the tables as they now are); SQLite is left as it is."""

from __future__ import annotations

from bot.cadence.dispatch import dispatch
from bot.domain.reporting import Month
from bot.storage.models import ReportRequest
from tests.test_board import NOW


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
