"""The cadence's dates along the Chinese working-day calendar, and its fallback beyond it."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from bot.domain.cadence import Cadence, CadenceError, check, month_schedule
from bot.domain.reporting import Month
from bot.domain.workdays import add_workdays, calendar_knows, is_workday

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("month", "dispatch", "due", "reminders", "escalation"),
    [
        # the 25th is a Friday: dispatch that day; National Day is not in the way
        (Month(2026, 9), "2026-09-28", "2026-10-10", ["2026-10-08", "2026-10-10"], "2026-10-12"),
        # the 25th is a Sunday: dispatch on Monday the 26th
        (Month(2026, 10), "2026-10-26", "2026-11-02", ["2026-10-29", "2026-11-02"], "2026-11-03"),
        (Month(2026, 11), "2026-11-25", "2026-12-02", ["2026-11-30", "2026-12-02"], "2026-12-03"),
    ],
)
def test_month_dates(
    month: Month, dispatch: str, due: str, reminders: list[str], escalation: str
) -> None:
    schedule = month_schedule(month, Cadence(), TZ)
    assert schedule.dispatch_at.date().isoformat() == dispatch
    assert schedule.due_on.isoformat() == due
    assert [r.date().isoformat() for r in schedule.reminders] == reminders
    assert schedule.escalate_at.date().isoformat() == escalation
    assert schedule.dispatch_at.utcoffset() is not None  # aware, in the deployment's zone


def test_holidays_and_make_up_days() -> None:
    assert not is_workday(date(2026, 10, 5))  # National Day week
    assert is_workday(date(2026, 10, 10))  # its 调休 Saturday
    assert add_workdays(date(2026, 9, 30), 1) == date(2026, 10, 8)


def test_a_year_the_calendar_does_not_know() -> None:
    assert calendar_knows(2026)
    assert not calendar_knows(2027)
    assert is_workday(date(2027, 1, 1))  # Monday to Friday until an admin says otherwise
    holiday = {date(2027, 1, 1): False, date(2027, 2, 6): True}
    assert not is_workday(date(2027, 1, 1), holiday)
    assert is_workday(date(2027, 2, 6), holiday)  # a Saturday entered as a make-up day
    december = month_schedule(Month(2026, 12), Cadence(), TZ, holiday)
    assert december.due_on == date(2027, 1, 4)


@pytest.mark.parametrize(
    ("change", "name"),
    [
        ({"dispatch_day": 31}, "dispatch_day"),
        ({"due_workdays": 0}, "due_workdays"),
        ({"remind_before": (5,)}, "remind_before"),
        ({"dispatch_time": "25:00"}, "dispatch_time"),
    ],
)
def test_settings_are_checked(change: dict[str, object], name: str) -> None:
    with pytest.raises(CadenceError, match=name):
        check(Cadence(**change))  # type: ignore[arg-type]


def test_settings_round_trip() -> None:
    cadence = Cadence(dispatch_day=20, remind_before=(3, 0))
    assert Cadence.from_json(cadence.to_json()) == cadence
    assert Cadence.from_json({"unknown": 1}) == Cadence()
