"""Graded 督办: which items are yellow or red, in working days (tables of cases)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.supervision import (
    Grade,
    ItemFacts,
    Reason,
    Thresholds,
    grade_item,
    notice_number,
    read_promised_date,
    reply_by,
    workdays_after,
)

RULES = Thresholds(late_days=3, due_soon_days=5, missed_periods=2, reply_days=3)
TODAY = date(2026, 11, 25)  # a Wednesday


def facts(**changes: object) -> ItemFacts:
    base: dict[str, object] = {
        "deadline": date(2026, 12, 31),
        "done": False,
        "lead": True,
        "due_on": date(2026, 11, 20),  # a Friday: Mon 23, Tue 24, Wed 25 are 3 working days
        "reported": True,
        "missed_before": 0,
    }
    base.update(changes)
    return ItemFacts(**base)  # type: ignore[arg-type]


CASES: list[tuple[str, ItemFacts, Grade | None, tuple[Reason, ...]]] = [
    ("on track", facts(), None, ()),
    ("report 3 working days late", facts(reported=False), Grade.YELLOW, (Reason.REPORT_LATE,)),
    ("report 2 working days late", facts(reported=False, due_on=date(2026, 11, 23)), None, ()),
    ("due in 4 working days", facts(deadline=date(2026, 12, 1)), Grade.YELLOW, (Reason.DUE_SOON,)),
    ("due in 5 working days", facts(deadline=date(2026, 12, 2)), None, ()),
    ("due soon but done", facts(deadline=date(2026, 12, 1), done=True), None, ()),
    ("due soon, not a lead unit", facts(deadline=date(2026, 12, 1), lead=False), None, ()),
    ("past its deadline", facts(deadline=date(2026, 11, 24)), Grade.RED, (Reason.TASK_OVERDUE,)),
    ("past its deadline, done", facts(deadline=date(2026, 11, 24), done=True), None, ()),
    (
        "missed twice",
        facts(reported=False, missed_before=1, due_on=date(2026, 11, 24)),
        Grade.RED,
        (Reason.MISSED_PERIODS,),
    ),
    (
        "overdue and late",
        facts(deadline=date(2026, 11, 1), reported=False),
        Grade.RED,
        (Reason.TASK_OVERDUE, Reason.REPORT_LATE),
    ),
    ("no deadline, reported", facts(deadline=None), None, ()),
    ("before the due day", facts(reported=False, due_on=date(2026, 11, 30)), None, ()),
]


@pytest.mark.parametrize(("name", "item", "grade", "reasons"), CASES, ids=[c[0] for c in CASES])
def test_grades(
    name: str, item: ItemFacts, grade: Grade | None, reasons: tuple[Reason, ...]
) -> None:
    graded = grade_item(item, TODAY, RULES)
    assert (graded.grade if graded else None) is grade, name
    assert (graded.reasons if graded else ()) == reasons, name


def test_holidays_are_not_working_days() -> None:
    # 国庆: 1-7 October 2026 off; a report due on 30 September is 1 working day late on the 8th
    assert workdays_after(date(2026, 9, 30), date(2026, 10, 8)) == 1
    late = facts(reported=False, due_on=date(2026, 9, 30), deadline=None)
    assert grade_item(late, date(2026, 10, 8), RULES) is None
    assert grade_item(late, date(2026, 10, 12), RULES) is not None  # 8, 9 and 12 October


def test_an_admins_day_off_counts() -> None:
    overrides = {date(2026, 11, 24): False}
    assert grade_item(facts(reported=False), TODAY, RULES, overrides) is None


def test_reply_by_and_number() -> None:
    assert reply_by(date(2026, 11, 25), RULES, None) == date(2026, 11, 30)
    assert notice_number("青营商督", 2026, 7) == "青营商督〔2026〕7号"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("加强调度，2026年12月15日前完成", date(2026, 12, 15)),
        ("召开专题会，12月10日前整改到位", date(2026, 12, 10)),
        ("已落实专人负责，12/20完成", date(2026, 12, 20)),
        ("2026-12-05 完成", date(2026, 12, 5)),
        ("年底前完成", date(2026, 12, 31)),
        ("2027年3月底前完成", date(2027, 3, 31)),
        ("3月1日前完成", date(2027, 3, 1)),  # the next 1 March
        ("马上整改", None),
        ("2026年11月1日完成", None),  # in the past
        ("2月30日", None),
    ],
)
def test_promised_date(text: str, expected: date | None) -> None:
    assert read_promised_date(text, TODAY) == expected
