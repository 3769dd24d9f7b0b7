"""Working days (工作日): chinesecalendar where it has data, Monday to Friday beyond it.

Holidays and 调休 make-up days entered by an admin (``calendar_day``) are passed in as
``overrides``; they win over both sources.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import chinese_calendar


def calendar_knows(year: int) -> bool:
    """Whether chinesecalendar has the official holidays of ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:  # how chinesecalendar says it has no data for that year
        return False
    return True


# Holidays on fixed solar dates under 《全国年节及纪念日放假办法》 (as amended in 2024): known
# before the State Council publishes a year's schedule. The lunar ones (春节, 清明, 端午, 中秋)
# and the 调休 days are not: an admin enters them (duban calendar import).
FIXED_HOLIDAYS = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})


def is_workday(day: date, overrides: Mapping[date, bool] | None = None) -> bool:
    """True on a working day, counting 调休 Saturdays and Sundays as working days."""
    if overrides and day in overrides:
        return overrides[day]
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # a year beyond its data: Monday to Friday, fixed holidays off
        return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS


def add_workdays(start: date, count: int, overrides: Mapping[date, bool] | None = None) -> date:
    """The ``count``-th working day after ``start`` (``count`` ≥ 0; 0 → the next one on/after)."""
    day = start
    if count == 0:
        while not is_workday(day, overrides):
            day += timedelta(days=1)
        return day
    remaining = count
    while remaining:
        day += timedelta(days=1)
        if is_workday(day, overrides):
            remaining -= 1
    return day


def workdays_before(day: date, count: int, overrides: Mapping[date, bool] | None = None) -> date:
    """The ``count``-th working day before ``day`` (``count`` ≥ 0; 0 → the last one on/before).

    A deadline stated as "by the 25th" (25日前) that falls on a holiday moves back to the
    working day before it, as offices do: ``workdays_before(day, 0)``.
    """
    current = day
    if count == 0:
        while not is_workday(current, overrides):
            current -= timedelta(days=1)
        return current
    remaining = count
    while remaining:
        current -= timedelta(days=1)
        if is_workday(current, overrides):
            remaining -= 1
    return current
