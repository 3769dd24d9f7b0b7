"""Graded 督办 by :mod:`bot.domain.completion`'s "done" and "missing", as the lights, deadline
warnings and digests use them: a task done by its lead draws no deadline 督办单 for the units
that cooperate on it; a collective lead is graded through its member units, or not at all when
it has none; a collective is never urged as a silent unit.

A small plan, all three tasks past their deadline (October's end) on 25 November:

- task 1, led by 县发改局 (which says 已完成), with 县财政局 cooperating and silent;
- task 2, led by 各乡镇党委、政府, whose townships 甲镇 (已完成) and 乙镇 (silent) report
  for it, with 县财政局 cooperating and silent;
- task 3, led by 县直各单位, a collective with no member listed, with 县财政局 responsible:
  nobody reports for the collective, so the task answers through 县财政局 (as the lights say).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cadence.dispatch import dispatch
from bot.domain.completion import Collectives
from bot.domain.reporting import Month, Status
from bot.domain.supervision import Reason, Thresholds, item_facts
from bot.importers import read_plan
from bot.oversight.supervision import SupervisionRules, run_supervision
from bot.plans.importing import import_plan
from bot.reporting.reports import Draft, submit_report
from bot.storage.models import Contact, ReportRequest, SupervisionNotice, Unit, UnitMember

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in 青溪
TODAY = date(2026, 11, 25)
OCTOBER = Month(2026, 10)
DUE = date(2026, 11, 10)  # October's reports were due 10 November: 11 working days ago
TOWNS = ("甲镇人民政府", "乙镇人民政府")
# a missing report is yellow one working day after its due day; nothing is "due soon"
RULES = SupervisionRules(Thresholds(late_days=1, due_soon_days=0, missed_periods=2))
PLAN = """\
测试县2026年重点任务分工方案

| 序号 | 重点任务 | 工作目标 | 进展情况 | 牵头单位 | 责任单位 | 完成时间 |
|----|------|------|----|------|------|------|
| 1 | 建成政务服务中心。 | ①中心建成投用。 | | 县发改局 | 县财政局 | 2026年10月底 |
| 2 | 整治农村人居环境。 | ①完成村庄清洁行动。 | | 各乡镇党委、政府 | 县财政局 | 2026年10月底 |
| 3 | 清理拖欠企业账款。 | ①拖欠账款清零。 | | 县直各单位 | 县财政局 | 2026年10月底 |
"""


# -- the facts, pure --------------------------------------------------------------------------

COLLECTIVES = Collectives({10: [11, 12], 20: []})
Given = tuple[int, list[int], bool, Status | None, bool]
FACT_CASES: list[tuple[str, Given, tuple[bool, bool, bool]]] = [
    # name, (unit, answering, task done, the unit's last status, reported this period),
    # (done, lead, reported) as the rules see them
    ("the lead said done", (1, [1], True, Status.DONE, True), (True, True, True)),
    ("a cooperating unit of a done task", (2, [1], True, None, False), (True, False, False)),
    ("a township of a collective lead", (12, [11, 12], False, None, False), (False, True, False)),
    ("a township that said done", (11, [11, 12], False, Status.DONE, True), (True, True, True)),
    ("a memberless collective, silent", (20, [2], False, None, False), (False, False, True)),
    (
        "no lead: every unit asked",
        (2, [2, 3], False, Status.IN_PROGRESS, True),
        (False, True, True),
    ),
]


@pytest.mark.parametrize(("name", "given", "seen"), FACT_CASES, ids=[c[0] for c in FACT_CASES])
def test_item_facts_use_the_completion_definitions(
    name: str, given: Given, seen: tuple[bool, bool, bool]
) -> None:
    unit, answering, task_done, last, answered = given
    facts = item_facts(
        unit,
        deadline=date(2026, 10, 31),
        answering=answering,
        task_done=task_done,
        last=last,
        collectives=COLLECTIVES,
        answered=answered,
        due_on=DUE,
        missed_before=0,
    )
    assert (facts.done, facts.lead, facts.reported) == seen, name


# -- the use case ---------------------------------------------------------------------------


async def _report(unit: str, task: str, status: Status, number: int) -> None:
    contact = await Contact.create(
        unit=await Unit.get(name=unit),
        role="reporter",
        identity=f"telegram:{number}",
        channel="telegram",
        display_name=unit,
    )
    request = await ReportRequest.get(
        unit_id=contact.unit_id, task__number=task, period__key=OCTOBER.key
    )
    await submit_report(
        contact, request.id, Draft(status, None, "已按要求推进"), now=NOW, today=TODAY
    )


@pytest.fixture
async def plan(db: str, tmp_path: Path) -> None:
    """The plan imported, the townships members of 各乡镇党委、政府, October dispatched, the
    lead of task 1 and 甲镇 reported done."""
    source = tmp_path / "plan.md"
    source.write_text(PLAN, encoding="utf-8")
    await import_plan(read_plan(source), source_name="plan.md", sha256="2" * 64, now=NOW)
    towns = await Unit.get(name="各乡镇党委、政府")
    for name in TOWNS:
        await UnitMember.create(
            collective=towns, member=await Unit.create(name=name, kind="government")
        )
    assert not await UnitMember.filter(collective__name="县直各单位").exists()
    await dispatch(OCTOBER, now=NOW, today=TODAY, due_on=DUE)
    await _report("县发改局", "1", Status.DONE, 1)
    await _report(TOWNS[0], "2", Status.DONE, 2)


async def _graded(tmp_path: Path) -> list[tuple[str, str, str, tuple[Reason, ...]]]:
    report = await run_supervision(NOW, TZ, tmp_path / "data", RULES, dry_run=True)
    return [(i.number, i.unit, i.graded.grade.value, i.graded.reasons) for i in report.items]


async def test_graded_by_the_completion_definitions(plan: None, tmp_path: Path) -> None:
    assert await _graded(tmp_path) == [
        # task 1 is done by its lead: the silent cooperating unit is late, not overdue
        ("1", "县财政局", "yellow", (Reason.REPORT_LATE,)),
        # task 2 answers through the townships: 乙镇 is overdue, 甲镇 said done
        ("2", "乙镇人民政府", "red", (Reason.TASK_OVERDUE, Reason.REPORT_LATE)),
        ("2", "县财政局", "yellow", (Reason.REPORT_LATE,)),
        # task 3's lead has no members: nobody reports for it and it is never urged; the
        # task answers through the unit asked
        ("3", "县财政局", "red", (Reason.TASK_OVERDUE, Reason.REPORT_LATE)),
    ]

    # 乙镇 says done too: task 2 is done, and nobody is urged for its deadline
    await _report(TOWNS[1], "2", Status.DONE, 3)
    graded = await _graded(tmp_path)
    assert [g for g in graded if g[0] == "2"] == [
        ("2", "县财政局", "yellow", (Reason.REPORT_LATE,))
    ]


async def test_the_notices_issued_follow(plan: None, tmp_path: Path) -> None:
    """What is issued is what was graded: no notice to a collective, none past the deadline
    of task 1."""
    report = await run_supervision(NOW, TZ, tmp_path / "data", RULES)
    assert len(report.issued) == 4
    notices = {
        (number, unit, grade)
        for number, unit, grade in await SupervisionNotice.all().values_list(
            "task__number", "unit__name", "grade"
        )
    }
    assert notices == {
        ("1", "县财政局", "yellow"),
        ("2", "乙镇人民政府", "red"),
        ("2", "县财政局", "yellow"),
        ("3", "县财政局", "red"),
    }
    reasons = await SupervisionNotice.get(task__number="1").values_list("reasons", flat=True)
    assert [r["reason"] for r in reasons] == [Reason.REPORT_LATE.value]
