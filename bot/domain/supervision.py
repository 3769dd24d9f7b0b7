"""Graded 督办 (催办 → 督办单): which (task, unit) items are yellow or red, counted in working days.

The rules, each a threshold of :class:`Thresholds` (settings ``DUBAN_SUPERVISION_*``):

- 红 (red): the task's deadline (完成时间) has passed and it is not done; or the unit missed the
  reporting deadline ``missed_periods`` periods in a row (2: "连续两期未报送", as the lights
  count it in :mod:`bot.domain.lights`).
- 黄 (yellow): the unit's report is ``late_days`` working days past the reporting deadline (3:
  催报 on the due day, 催办 the working day after, 督办 after three more working days, the
  usual 三个工作日 of a 督办 notice); or the task is due within ``due_soon_days`` working days (5:
  one working week) and not done.

"Done" and "missing" are :mod:`bot.domain.completion`'s, as in the lights, the deadline warnings
and the digests (:func:`item_facts`): task-deadline rules apply to the units the task answers
through (its leads, collectives through their members; with no lead, every unit asked) while
the task is not done, except a unit that itself last said 已完成 (nothing is left to urge it
to do); reporting rules apply to every unit asked that is missing, and a collective never is
(it is asked through its members, or not at all). A 督办单 asks for 整改措施 within
``reply_days`` working days (3).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.domain.completion import Collectives, is_missing
from bot.domain.deadlines import parse_deadline
from bot.domain.messages import N_
from bot.domain.reporting import Status
from bot.domain.text import to_halfwidth_digits
from bot.domain.workdays import is_workday


class Grade(StrEnum):
    """A 督办 level: a yellow item is level 1, a red one level 2."""

    YELLOW = "yellow"
    RED = "red"

    @property
    def level(self) -> int:
        """1 for yellow, 2 for red."""
        return 1 if self is Grade.YELLOW else 2

    @property
    def label(self) -> str:
        """The message id of its name (黄/红, as the lights say it)."""
        return N_("yellow") if self is Grade.YELLOW else N_("red")


class Reason(StrEnum):
    """Why an item is graded."""

    TASK_OVERDUE = "task_overdue"
    MISSED_PERIODS = "missed_periods"
    REPORT_LATE = "report_late"
    DUE_SOON = "due_soon"


# How a 督办单 names each reason (a 公文 is written in Chinese whatever the reader's locale).
REASON_TEXT = {
    Reason.TASK_OVERDUE: "已超过完成时限（{deadline}）尚未完成",
    Reason.MISSED_PERIODS: "连续{periods}期未按时报送工作进展",
    Reason.REPORT_LATE: "{period}工作进展逾期{days}个工作日未报送（报送时限{due}）",
    Reason.DUE_SOON: "距完成时限（{deadline}）不足{days}个工作日，尚未完成",
}
REASON_LABELS = {
    Reason.TASK_OVERDUE: N_("past its deadline"),
    Reason.MISSED_PERIODS: N_("missed reporting twice"),
    Reason.REPORT_LATE: N_("report late"),
    Reason.DUE_SOON: N_("deadline near, not done"),
}


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The rules' numbers, in working days and periods (see the module's docstring)."""

    late_days: int = 3
    due_soon_days: int = 5
    missed_periods: int = 2
    reply_days: int = 3


@dataclass(frozen=True, slots=True)
class ItemFacts:
    """What is known of one (task, unit) item on ``today``."""

    deadline: date | None  # the task's 完成时间
    done: bool  # the task is done, or this unit last said 已完成: no deadline to urge
    lead: bool  # the task answers through this unit (its leads, else every unit asked)
    due_on: date | None  # the period's reporting deadline
    reported: bool  # the unit is not missing this period (it reported, or is a collective)
    missed_before: int  # periods right before this one the unit did not report


@dataclass(frozen=True, slots=True)
class Graded:
    """An item's grade and the reasons for it, worst first."""

    grade: Grade
    reasons: tuple[Reason, ...]


def item_facts(
    unit: int,
    *,
    deadline: date | None,
    answering: Collection[int],
    task_done: bool,
    last: Status | None,
    collectives: Collectives,
    answered: bool,
    due_on: date | None,
    missed_before: int,
) -> ItemFacts:
    """A (task, unit) item's facts by :mod:`bot.domain.completion`'s definitions: ``answering``
    the units the task answers through, ``task_done`` whether it is done, ``last`` the unit's
    latest status (whichever month), ``answered`` whether it reported this period."""
    return ItemFacts(
        deadline=deadline,
        done=task_done or last is Status.DONE,
        lead=unit in answering,
        due_on=due_on,
        reported=not is_missing(unit, answered, collectives),
        missed_before=missed_before,
    )


def workdays_after(start: date, end: date, overrides: Mapping[date, bool] | None = None) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` ≤ ``start``)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_workday(day, overrides):
            count += 1
    return count


def grade_item(
    facts: ItemFacts,
    today: date,
    thresholds: Thresholds,
    overrides: Mapping[date, bool] | None = None,
) -> Graded | None:
    """The item's grade on ``today``, or ``None`` when it needs no 督办."""
    red: list[Reason] = []
    yellow: list[Reason] = []
    deadline_rules = facts.lead and not facts.done and facts.deadline is not None
    if deadline_rules and facts.deadline is not None:
        if facts.deadline < today:
            red.append(Reason.TASK_OVERDUE)
        elif workdays_after(today, facts.deadline, overrides) < thresholds.due_soon_days:
            yellow.append(Reason.DUE_SOON)
    late = (
        not facts.reported and facts.due_on is not None and facts.due_on < today
    )  # the reporting deadline has passed without a report
    if late and facts.missed_before + 1 >= thresholds.missed_periods:
        red.append(Reason.MISSED_PERIODS)
    elif (
        late
        and facts.due_on is not None
        and workdays_after(facts.due_on, today, overrides) >= thresholds.late_days
    ):
        yellow.append(Reason.REPORT_LATE)
    if red:
        return Graded(Grade.RED, tuple(red + yellow))
    if yellow:
        return Graded(Grade.YELLOW, tuple(yellow))
    return None


def reply_by(issued: date, thresholds: Thresholds, overrides: Mapping[date, bool] | None) -> date:
    """The date a 督办单 issued on ``issued`` asks its 整改措施 by."""
    day, left = issued, thresholds.reply_days
    while left:
        day += timedelta(days=1)
        if is_workday(day, overrides):
            left -= 1
    return day


def notice_number(prefix: str, year: int, number: int) -> str:
    """The 编号 of a 督办单: 青营商督〔2026〕3号."""
    return f"{prefix}〔{year}〕{number}号"


def chinese_date(day: date) -> str:
    """A date as a 公文 writes it: 2026年11月25日."""
    return f"{day.year}年{day.month}月{day.day}日"


_FULL = re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?")
_MONTH_DAY = re.compile(r"(?<!\d)(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*[日号]?(?!\d)")


def read_promised_date(text: str, today: date) -> date | None:
    """The date a reply commits to: ``2026-12-15``, ``12月15日`` (the next such day),
    ``2026年12月底`` or ``年底`` words :func:`parse_deadline` reads; ``None`` when none or past."""
    value = to_halfwidth_digits(text)
    found: date | None = None
    try:
        if m := _FULL.search(value):
            found = date(int(m[1]), int(m[2]), int(m[3]))
        elif m := _MONTH_DAY.search(value):
            found = date(today.year, int(m[1]), int(m[2]))
            if found < today:
                found = date(today.year + 1, int(m[1]), int(m[2]))
        else:
            words = value.replace("今年", f"{today.year}年").replace("本年", f"{today.year}年")
            if re.search(r"(?<!\d{4})年底|年末", words) and not re.search(r"\d{4}\s*年", words):
                words = words.replace("年底", f"{today.year}年底").replace(
                    "年末", f"{today.year}年末"
                )
            found, _ = parse_deadline(_deadline_words(words))
    except ValueError:  # 2月30日: no such day
        return None
    return found if found is not None and found >= today else None


def _deadline_words(text: str) -> str:
    """The part of ``text`` that names a year (``…2026年12月底前完成`` → ``2026年12月底前完成``)."""
    m = re.search(r"\d{4}\s*年", text)
    return text[m.start() :] if m else ""
