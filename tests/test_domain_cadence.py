"""The cadence's dates along the Chinese working-day calendar, and its fallback beyond it:
by the dispatch day (the default) and by a due day the plan states (每月25日前报送)."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.cadence import (
    ADMIN,
    DEFAULT,
    PLAN,
    Cadence,
    CadenceError,
    check,
    month_schedule,
    origin_of,
    proposed,
    quarter_due_date,
    quote_of,
    stored,
)
from bot.domain.plan import PlanMeta, ReportingDay
from bot.domain.reporting import Month
from bot.domain.workdays import add_workdays, calendar_knows, is_workday, workdays_before

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
    assert not is_workday(date(2027, 1, 1))  # 元旦: a fixed-date holiday, known in advance
    assert not is_workday(date(2027, 10, 1))  # 国庆
    assert is_workday(date(2027, 1, 4))  # otherwise Monday to Friday until an admin says more
    assert is_workday(date(2027, 2, 8))  # 春节 (lunar) is the admin's to enter
    holiday = {date(2027, 1, 1): False, date(2027, 2, 6): True, date(2027, 10, 1): True}
    assert not is_workday(date(2027, 1, 1), holiday)
    assert is_workday(date(2027, 10, 1), holiday)  # what an admin entered wins
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
        ({"due_day": 0}, "due_day"),
        ({"due_day": 32}, "due_day"),
        ({"quarter_due_day": 40}, "quarter_due_day"),
        ({"due_day": 25, "dispatch_lead_workdays": 0}, "dispatch_lead_workdays"),
        ({"due_day": 25, "dispatch_lead_workdays": 2, "remind_before": (2, 0)}, "remind_before"),
    ],
)
def test_settings_are_checked(change: dict[str, object], name: str) -> None:
    with pytest.raises(CadenceError, match=name) as refused:
        check(Cadence(**change))  # type: ignore[arg-type]
    assert refused.value.message.msgid  # one sentence for the admin, not just a name


def test_settings_round_trip() -> None:
    cadence = Cadence(dispatch_day=20, remind_before=(3, 0))
    assert Cadence.from_json(cadence.to_json()) == cadence
    assert Cadence.from_json({"unknown": 1}) == Cadence()


def test_due_day_settings_round_trip_beside_their_origin() -> None:
    cadence = Cadence(due_day=25, dispatch_lead_workdays=4, quarter_due_day=20)
    data = stored(cadence, PLAN, "每月25日前各单位报送工作进展")
    assert Cadence.from_json(data) == cadence
    assert (origin_of(data), quote_of(data)) == (PLAN, "每月25日前各单位报送工作进展")
    assert origin_of({}) == DEFAULT
    assert origin_of(Cadence(dispatch_day=20).to_json()) == ADMIN  # saved before origins
    assert origin_of(stored(cadence, ADMIN)) == ADMIN
    assert quote_of(stored(cadence, ADMIN)) is None


@pytest.mark.parametrize(
    ("month", "dispatch", "due", "reminders", "escalation"),
    [
        # the 25th is the Mid-Autumn Festival (a Friday): due on Thursday the 24th
        (Month(2026, 9), "2026-09-18", "2026-09-24", ["2026-09-22", "2026-09-24"], "2026-09-28"),
        # the 25th is a Sunday: due on Friday the 23rd, dispatched a working week before
        (Month(2026, 10), "2026-10-16", "2026-10-23", ["2026-10-21", "2026-10-23"], "2026-10-26"),
        (Month(2026, 11), "2026-11-18", "2026-11-25", ["2026-11-23", "2026-11-25"], "2026-11-26"),
        # December's reports are due before Christmas week ends, not on New Year's Day
        (Month(2026, 12), "2026-12-18", "2026-12-25", ["2026-12-23", "2026-12-25"], "2026-12-28"),
    ],
)
def test_dates_by_the_plans_due_day(
    month: Month, dispatch: str, due: str, reminders: list[str], escalation: str
) -> None:
    schedule = month_schedule(month, Cadence(due_day=25), TZ)
    assert schedule.dispatch_at.date().isoformat() == dispatch
    assert schedule.due_on.isoformat() == due
    assert [r.date().isoformat() for r in schedule.reminders] == reminders
    assert schedule.escalate_at.date().isoformat() == escalation
    assert schedule.digest_at.date() == schedule.escalate_at.date()
    assert schedule.dispatch_at.utcoffset() is not None


def test_a_due_day_on_a_holiday_moves_to_the_working_day_before() -> None:
    # 每月5日前报送上月: September's reports are due by October 5th, in the National Day
    # holiday, so by Wednesday September 30th; October's by November 5th
    early = Cadence(due_day=5, due_next_month=True)
    assert month_schedule(Month(2026, 9), early, TZ).due_on == date(2026, 9, 30)
    assert month_schedule(Month(2026, 10), early, TZ).due_on == date(2026, 11, 5)
    # a due day on the 调休 Saturday (October 10th) stays: it is a working day
    assert month_schedule(Month(2026, 10), Cadence(due_day=10), TZ).due_on == date(2026, 10, 10)
    # 每月底前: the month's last day, or the working day before it
    end = Cadence(due_day=31)
    assert month_schedule(Month(2026, 10), end, TZ).due_on == date(2026, 10, 30)  # Sat 31st
    assert month_schedule(Month(2027, 2), end, TZ).due_on == date(2027, 2, 26)  # Sun 28th
    # 2027 is beyond chinesecalendar: Monday to Friday without the fixed-date holidays, plus
    # what an admin entered
    january = Cadence(due_day=1, due_next_month=True)
    assert month_schedule(Month(2026, 12), january, TZ).due_on == date(2026, 12, 31)
    worked = {date(2027, 1, 1): True}
    assert month_schedule(Month(2026, 12), january, TZ, worked).due_on == date(2027, 1, 1)


def test_the_quarterly_due_day_falls_in_the_quarters_last_month() -> None:
    cadence = Cadence(quarter_due_day=25)
    assert quarter_due_date(Month(2026, 12), cadence) == date(2026, 12, 25)
    assert quarter_due_date(Month(2026, 9), cadence) == date(2026, 9, 24)  # Mid-Autumn
    assert quarter_due_date(Month(2026, 11), cadence) is None
    assert quarter_due_date(Month(2026, 12), Cadence()) is None


def test_the_plans_words_propose_a_cadence() -> None:
    assert proposed(PlanMeta(title="x")) is None
    meta = PlanMeta(title="x", report_due=ReportingDay(25, quote="每月25日前报送"))
    assert proposed(meta) == Cadence(due_day=25)
    meta.summary_due = ReportingDay(20)
    meta.report_due = ReportingDay(5, next_month=True)
    assert proposed(meta) == Cadence(due_day=5, due_next_month=True, quarter_due_day=20)
    quarterly_only = proposed(PlanMeta(title="x", summary_due=ReportingDay(30)))
    assert quarterly_only is not None
    assert not quarterly_only.by_due_day  # the monthly dates keep the defaults


def test_workdays_before() -> None:
    assert workdays_before(date(2026, 10, 8), 1) == date(2026, 9, 30)  # over National Day
    assert workdays_before(date(2026, 10, 4), 0) == date(2026, 9, 30)
    assert workdays_before(date(2026, 10, 12), 0) == date(2026, 10, 12)
    assert workdays_before(date(2026, 10, 11), 0) == date(2026, 10, 10)  # the 调休 Saturday


MONTHS = st.builds(Month, st.integers(2024, 2028), st.integers(1, 12))
HOLIDAYS = st.dictionaries(
    st.dates(date(2024, 1, 1), date(2029, 3, 31)), st.booleans(), max_size=40
)
CADENCES = st.one_of(
    st.builds(
        Cadence,
        dispatch_day=st.integers(1, 28),
        due_workdays=st.integers(3, 20),
        escalate_after=st.integers(0, 10),
    ),
    st.builds(
        Cadence,
        due_day=st.integers(1, 31),
        due_next_month=st.booleans(),
        dispatch_lead_workdays=st.integers(3, 20),
        escalate_after=st.integers(0, 10),
    ),
)


@settings(max_examples=300, deadline=None)
@given(month=MONTHS, cadence=CADENCES, overrides=HOLIDAYS)
def test_every_schedule_keeps_its_order_on_working_days(
    month: Month, cadence: Cadence, overrides: dict[date, bool]
) -> None:
    schedule = month_schedule(month, check(cadence), TZ, overrides)
    due, dispatch = schedule.due_on, schedule.dispatch_at.date()
    assert is_workday(due, overrides)  # the due day is never a holiday
    assert is_workday(dispatch, overrides)
    assert dispatch < due  # the dispatch comes first
    assert all(dispatch <= r.date() <= due for r in schedule.reminders)
    assert [r.date() for r in schedule.reminders] == sorted(r.date() for r in schedule.reminders)
    assert schedule.escalate_at.date() >= due
    assert schedule.digest_at.date() == schedule.escalate_at.date()
    if cadence.due_day is not None:  # by the stated day: never after it, no working day lost
        following = Month(month.year + month.month // 12, month.month % 12 + 1)
        base = following if cadence.due_next_month else month
        stated = date(base.year, base.month, min(cadence.due_day, base.ends.day))
        assert due <= stated
        assert all(
            not is_workday(due + timedelta(days=n), overrides)
            for n in range(1, (stated - due).days + 1)
        )
