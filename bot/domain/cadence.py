"""The cadence of a plan (一月一调度、一季度一总结): when each month's jobs fall.

Two ways to fix a month's dates:

- **By the dispatch day** (the default, for plans that state no reporting day): dispatch on the
  first working day on or after the 25th, reports due 5 working days later.
- **By the due day** the plan states (每月25日前报送): reports due by that day of the month (or
  of the next month, 每月5日前报送上月…), moved back to the working day before when it is a
  holiday, as offices do with a "前" deadline; the dispatch goes out a set number of working
  days before it (``dispatch_lead_workdays``, 5 by default: the same working week to answer
  that the default gives, with room for the reminders two days before and on the due day).

Either way reminders come 2 working days before and on the due day, escalation 1 working day
after it, all at fixed times of day in the deployment's time zone. An admin changes them per
plan (``duban schedule set``); they are stored as plain JSON on the plan, with where they came
from (the plan's words, or an admin) beside them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.messages import N_, Message, msg
from bot.domain.plan import PlanMeta
from bot.domain.reporting import Month
from bot.domain.workdays import add_workdays, workdays_before

DEADLINE_WARNINGS = (30, 7)  # days before a task's own deadline (完成时间)
MONTH_END = 31  # a due day of 31 stands for the month's last day (每月底前)
ORIGIN_KEY, QUOTE_KEY = "origin", "quote"  # stored beside the settings, ignored by from_json
PLAN, ADMIN, DEFAULT = "plan", "admin", "default"  # where a plan's settings came from
EARLY_DAY = 10  # a deadline this early in the month is for the month before (每月5日前报送)


@dataclass(frozen=True, slots=True)
class Cadence:
    """A plan's schedule settings."""

    dispatch_day: int = 25  # the first working day on or after this day of the month
    due_workdays: int = 5  # reports are due this many working days after the dispatch
    due_day: int | None = None  # set: reports due by this day (31: month end); dispatch before
    due_next_month: bool = False  # the due day falls in the month after the one reported on
    dispatch_lead_workdays: int = 5  # with a due day: dispatch this many working days before
    quarter_due_day: int | None = None  # quarterly material due by this day of the last month
    remind_before: tuple[int, ...] = (2, 0)  # working days before the due day (0: the due day)
    escalate_after: int = 1  # working days after the due day
    dispatch_time: str = "09:00"
    remind_time: str = "09:00"
    escalate_time: str = "09:30"
    digest_time: str = "10:00"  # the monthly digest, on the escalation day

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Cadence:
        """Read stored settings; unknown keys are ignored, missing ones take the defaults."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in (data or {}).items() if k in known}
        if "remind_before" in values:
            values["remind_before"] = tuple(int(v) for v in values["remind_before"])
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        """The stored form."""
        data = asdict(self)
        data["remind_before"] = list(self.remind_before)
        return data

    @property
    def by_due_day(self) -> bool:
        """True when the dates follow a stated due day rather than the dispatch day."""
        return self.due_day is not None

    @property
    def span_workdays(self) -> int:
        """Working days from the dispatch to the due day."""
        return self.dispatch_lead_workdays if self.by_due_day else self.due_workdays


def natural_next_month(due_day: int) -> bool:
    """Whether reports due by ``due_day`` are, unless said otherwise, the previous month's."""
    return due_day <= EARLY_DAY


def stored(cadence: Cadence, origin: str, quote: str | None = None) -> dict[str, Any]:
    """The JSON kept on the plan: the settings, where they came from and the plan's words."""
    data = cadence.to_json() | {ORIGIN_KEY: origin}
    if quote:
        data[QUOTE_KEY] = quote
    return data


def origin_of(data: Mapping[str, Any] | None) -> str:
    """``default`` (never set), ``plan`` (read from the plan's text) or ``admin``."""
    if not data:
        return DEFAULT
    return str(data.get(ORIGIN_KEY) or ADMIN)  # settings saved before origins were kept: admin


def quote_of(data: Mapping[str, Any] | None) -> str | None:
    """The plan's words the stored settings were read from, if any."""
    return str(data[QUOTE_KEY]) if data and data.get(QUOTE_KEY) else None


def proposed(meta: PlanMeta) -> Cadence | None:
    """The cadence the plan's own words call for, or None when it states no reporting day."""
    if meta.report_due is None and meta.summary_due is None:
        return None
    monthly, quarterly = meta.report_due, meta.summary_due
    return Cadence(
        due_day=monthly.day if monthly else None,
        due_next_month=monthly.next_month if monthly else False,
        quarter_due_day=quarterly.day if quarterly else None,
    )


def same_due_rule(a: Cadence, b: Cadence) -> bool:
    """Whether two cadences put the deadlines on the same days of the month."""
    return (a.due_day, a.due_next_month, a.quarter_due_day) == (
        b.due_day,
        b.due_next_month,
        b.quarter_due_day,
    )


class CadenceError(ValueError):
    """A schedule setting out of range: ``str()`` names it, ``message`` says what is allowed."""

    def __init__(self, name: str, message: Message) -> None:
        super().__init__(name)
        self.name = name
        self.message = message


def check(cadence: Cadence) -> Cadence:
    """Validate settings an admin typed."""
    if not 1 <= cadence.dispatch_day <= 28:
        raise CadenceError(
            "dispatch_day", msg(N_("The dispatch day must be a day of the month from 1 to 28."))
        )
    if not 1 <= cadence.due_workdays <= 20:
        raise CadenceError(
            "due_workdays",
            msg(N_("Reports must be due 1 to 20 working days after the dispatch.")),
        )
    for name in ("due_day", "quarter_due_day"):
        value = getattr(cadence, name)
        if value is not None and not 1 <= value <= MONTH_END:
            raise CadenceError(
                name,
                msg(N_("The due day must be a day of the month from 1 to 31 (31: its last day).")),
            )
    if not 1 <= cadence.dispatch_lead_workdays <= 20:
        raise CadenceError(
            "dispatch_lead_workdays",
            msg(N_("The dispatch must go out 1 to 20 working days before the due day.")),
        )
    if any(not 0 <= d < cadence.span_workdays for d in cadence.remind_before):
        raise CadenceError(
            "remind_before",
            msg(
                N_(
                    "Reminders must fall between the dispatch and the due day: 0 (the due "
                    "day itself) to {most} working days before it."
                ),
                most=cadence.span_workdays - 1,
            ),
        )
    if not 0 <= cadence.escalate_after <= 10:
        raise CadenceError(
            "escalate_after",
            msg(N_("Escalation must come 0 to 10 working days after the due day.")),
        )
    for name in ("dispatch_time", "remind_time", "escalate_time", "digest_time"):
        try:
            time.fromisoformat(getattr(cadence, name))
        except ValueError as exc:
            raise CadenceError(
                name,
                msg(
                    N_("{value} is not a time of day; write it as HH:MM, e.g. 09:00."),
                    value=getattr(cadence, name),
                ),
            ) from exc
    return cadence


@dataclass(frozen=True, slots=True)
class MonthSchedule:
    """When a month's jobs fall (aware datetimes in the deployment's zone)."""

    month: Month
    dispatch_at: datetime
    due_on: date
    reminders: tuple[datetime, ...]
    escalate_at: datetime
    digest_at: datetime
    quarter_end: bool = False


def _at(day: date, clock: str, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=zone)


def reminder_times(
    due_on: date, cadence: Cadence, zone: ZoneInfo, overrides: Mapping[date, bool] | None = None
) -> tuple[datetime, ...]:
    """When to remind before (and on) a due day, oldest first."""
    return tuple(
        _at(workdays_before(due_on, before, overrides), cadence.remind_time, zone)
        for before in sorted(set(cadence.remind_before), reverse=True)
    )


def escalation_time(
    due_on: date, cadence: Cadence, zone: ZoneInfo, overrides: Mapping[date, bool] | None = None
) -> datetime:
    """When units that have not reported are escalated to their leader and the secretariat."""
    return _at(add_workdays(due_on, cadence.escalate_after, overrides), cadence.escalate_time, zone)


def digest_time(
    due_on: date, cadence: Cadence, zone: ZoneInfo, overrides: Mapping[date, bool] | None = None
) -> datetime:
    """When the monthly digest goes to the secretariat (the morning after the deadline)."""
    return _at(add_workdays(due_on, cadence.escalate_after, overrides), cadence.digest_time, zone)


def day_in(month: Month, day: int, overrides: Mapping[date, bool] | None = None) -> date:
    """Day ``day`` of ``month`` (past its end: its last day), or the working day before it."""
    return workdays_before(date(month.year, month.month, min(day, month.ends.day)), 0, overrides)


def due_date(month: Month, cadence: Cadence, overrides: Mapping[date, bool] | None = None) -> date:
    """The due day of ``month``'s reports: always a working day."""
    if cadence.due_day is not None:
        target = next_month(month) if cadence.due_next_month else month
        return day_in(target, cadence.due_day, overrides)
    dispatch_day = add_workdays(date(month.year, month.month, cadence.dispatch_day), 0, overrides)
    return add_workdays(dispatch_day, cadence.due_workdays, overrides)


def dispatch_date(
    month: Month, cadence: Cadence, overrides: Mapping[date, bool] | None = None
) -> date:
    """The day ``month``'s prompts go out: always a working day, before the due day."""
    if cadence.due_day is not None:
        due_on = due_date(month, cadence, overrides)
        return workdays_before(due_on, cadence.dispatch_lead_workdays, overrides)
    return add_workdays(date(month.year, month.month, cadence.dispatch_day), 0, overrides)


def quarter_due_date(
    month: Month, cadence: Cadence, overrides: Mapping[date, bool] | None = None
) -> date | None:
    """The quarterly material's due day the plan states, in a quarter-end ``month``, or None."""
    if cadence.quarter_due_day is None or month.month % 3:
        return None
    return day_in(month, cadence.quarter_due_day, overrides)


def month_schedule(
    month: Month,
    cadence: Cadence,
    zone: ZoneInfo,
    overrides: Mapping[date, bool] | None = None,
) -> MonthSchedule:
    """The dates of a month's dispatch, due day, reminders and escalation."""
    due_on = due_date(month, cadence, overrides)
    return MonthSchedule(
        month=month,
        dispatch_at=_at(dispatch_date(month, cadence, overrides), cadence.dispatch_time, zone),
        due_on=due_on,
        reminders=reminder_times(due_on, cadence, zone, overrides),
        escalate_at=escalation_time(due_on, cadence, zone, overrides),
        digest_at=digest_time(due_on, cadence, zone, overrides),
        quarter_end=month.month % 3 == 0,
    )


def previous_month(month: Month) -> Month:
    """The month before."""
    return Month(month.year - 1, 12) if month.month == 1 else Month(month.year, month.month - 1)


def next_month(month: Month) -> Month:
    """The month after."""
    return Month(month.year + 1, 1) if month.month == 12 else Month(month.year, month.month + 1)
