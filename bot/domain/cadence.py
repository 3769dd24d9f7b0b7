"""The cadence of a plan (一月一调度、一季度一总结): when each month's jobs fall.

Defaults follow common practice: dispatch on the first working day on or after the 25th,
reports due 5 working days later, reminders 2 working days before and on the due day,
escalation 1 working day after it, all at fixed times of day in the deployment's time zone.
An admin changes them per plan (``duban schedule set``); they are stored as plain JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.reporting import Month
from bot.domain.workdays import add_workdays, is_workday

DEADLINE_WARNINGS = (30, 7)  # days before a task's own deadline (完成时间)


@dataclass(frozen=True, slots=True)
class Cadence:
    """A plan's schedule settings."""

    dispatch_day: int = 25  # the first working day on or after this day of the month
    due_workdays: int = 5  # reports are due this many working days after the dispatch
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


class CadenceError(ValueError):
    """A schedule setting out of range; the message names it."""


def check(cadence: Cadence) -> Cadence:
    """Validate settings an admin typed."""
    if not 1 <= cadence.dispatch_day <= 28:
        raise CadenceError("dispatch_day")
    if not 1 <= cadence.due_workdays <= 20:
        raise CadenceError("due_workdays")
    if any(not 0 <= d < cadence.due_workdays for d in cadence.remind_before):
        raise CadenceError("remind_before")
    if not 0 <= cadence.escalate_after <= 10:
        raise CadenceError("escalate_after")
    for name in ("dispatch_time", "remind_time", "escalate_time", "digest_time"):
        try:
            time.fromisoformat(getattr(cadence, name))
        except ValueError as exc:
            raise CadenceError(name) from exc
    return cadence


@dataclass(frozen=True, slots=True)
class MonthSchedule:
    """When a month's jobs fall (aware datetimes in the deployment's zone)."""

    month: Month
    dispatch_at: datetime
    due_on: date
    reminders: tuple[datetime, ...]
    escalate_at: datetime
    quarter_end: bool = False


def _at(day: date, clock: str, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=zone)


def _workdays_before(day: date, count: int, overrides: Mapping[date, bool] | None) -> date:
    current = day
    remaining = count
    while remaining:
        current -= timedelta(days=1)
        if is_workday(current, overrides):
            remaining -= 1
    return current


def reminder_times(
    due_on: date, cadence: Cadence, zone: ZoneInfo, overrides: Mapping[date, bool] | None = None
) -> tuple[datetime, ...]:
    """When to remind before (and on) a due day, oldest first."""
    return tuple(
        _at(_workdays_before(due_on, before, overrides), cadence.remind_time, zone)
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


def month_schedule(
    month: Month,
    cadence: Cadence,
    zone: ZoneInfo,
    overrides: Mapping[date, bool] | None = None,
) -> MonthSchedule:
    """The dates of a month's dispatch, due day, reminders and escalation."""
    dispatch_day = add_workdays(date(month.year, month.month, cadence.dispatch_day), 0, overrides)
    due_on = add_workdays(dispatch_day, cadence.due_workdays, overrides)
    return MonthSchedule(
        month=month,
        dispatch_at=_at(dispatch_day, cadence.dispatch_time, zone),
        due_on=due_on,
        reminders=reminder_times(due_on, cadence, zone, overrides),
        escalate_at=escalation_time(due_on, cadence, zone, overrides),
        quarter_end=month.month % 3 == 0,
    )


def previous_month(month: Month) -> Month:
    """The month before."""
    return Month(month.year - 1, 12) if month.month == 1 else Month(month.year, month.month - 1)


def next_month(month: Month) -> Month:
    """The month after."""
    return Month(month.year + 1, 1) if month.month == 12 else Month(month.year, month.month + 1)
