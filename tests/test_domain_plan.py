"""Deadlines in words, requirement sub-items, and revision diffs."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.deadlines import parse_deadline
from bot.domain.plan import (
    Assignment,
    PlanTask,
    Role,
    diff_tasks,
    join_requirements,
    split_requirements,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024年底", (date(2024, 12, 31), True)),
        ("2027年6月", (date(2027, 6, 30), True)),
        ("到2025年", (date(2025, 12, 31), True)),
        ("2025年6月底", (date(2025, 6, 30), True)),
        ("2026年10月底", (date(2026, 10, 31), True)),
        ("2025年6月15日", (date(2025, 6, 15), True)),
        ("2025-06-15", (date(2025, 6, 15), True)),
        ("2025.6", (date(2025, 6, 30), True)),
        ("2025年上半年", (date(2025, 6, 30), True)),
        ("2026年第四季度", (date(2026, 12, 31), True)),
        ("2025年三季度", (date(2025, 9, 30), True)),
        ("2026年二月", (date(2026, 2, 28), True)),
        ("２０２５年底", (date(2025, 12, 31), True)),
        ("长期坚持", (None, True)),
        ("持续推进", (None, True)),
        ("", (None, True)),
        ("明年", (None, False)),
        ("2024年13月", (None, False)),
    ],
)
def test_parse_deadline(text: str, expected: tuple[date | None, bool]) -> None:
    assert parse_deadline(text) == expected


def test_requirements_split_on_circled_numbers() -> None:
    assert split_requirements("①认真落实。② 把要求转化为措施。③") == [
        "认真落实。",
        "把要求转化为措施。",
    ]
    assert split_requirements("整合各类优质资源。") == ["整合各类优质资源。"]
    assert split_requirements("") == []


@pytest.mark.parametrize("count", [1, 2, 20, 21, 40])
def test_requirements_join_and_split_round_trip(count: int) -> None:
    items = [f"第{i}项要求。" for i in range(count)]
    assert split_requirements(join_requirements(items)) == items


def _task(number: str, title: str = "任务", unit: str = "县教育局") -> PlanTask:
    return PlanTask(number, title, ["要求"], [Assignment(unit, Role.LEAD)])


def test_diff_by_task_number() -> None:
    old = [_task("1"), _task("2"), _task("3")]
    new = [_task("1"), _task("2", unit="县财政局"), _task("4")]
    diff = diff_tasks(old, new)
    assert (diff.added, diff.changed, diff.removed, diff.unchanged) == (["4"], ["2"], ["3"], ["1"])
    assert diff_tasks(old, old).is_empty
