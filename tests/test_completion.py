"""One definition of "done" and of "missing" (bot/domain/completion.py) in the lights, the
digest, ``/overdue`` and the deadline warnings alike.

A small plan: task 1's lead (县发改局) reports 已完成 while 县财政局 stays silent; task 2 is led
by 各乡镇党委、政府, whose two townships report for it; task 3 names 县直各单位, a collective
with no members listed, which nobody reports for.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cadence.deadlines import deadline_states, overdue, run_deadline_warnings
from bot.cadence.dispatch import dispatch
from bot.domain.completion import Collectives, answering_units, is_missing, task_done, task_status
from bot.domain.lights import Light
from bot.domain.reporting import Month, Status
from bot.domain.supervision import Reason, Thresholds
from bot.importers import read_plan
from bot.oversight.digest import build_digest
from bot.oversight.status import Lights, status
from bot.oversight.status import overdue as overdue_use_case
from bot.oversight.supervision import SupervisionRules, run_supervision
from bot.people.binding import ContactRole, create_invite
from bot.plans.importing import import_plan
from bot.reporting.reports import Draft, submit_report
from bot.storage.models import (
    Contact,
    OutboxMessage,
    ReportRequest,
    Unit,
    UnitMember,
)
from tests.dialogue import Dialogue, Person, reply

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
TODAY = date(2026, 11, 25)
OCTOBER = Month(2026, 10)
TOWNS = ("甲镇人民政府", "乙镇人民政府")
SEC = Person("telegram:3003", "秘书组小刘")
PLAN = """\
测试县2026年重点任务分工方案

| 序号 | 重点任务 | 工作目标 | 进展情况 | 牵头单位 | 责任单位 | 完成时间 |
|----|------|------|----|------|------|------|
| 1 | 建成政务服务中心。 | ①中心建成投用。 | | 县发改局 | 县财政局 | 2026年10月底 |
| 2 | 整治农村人居环境。 | ①完成村庄清洁行动。 | | 各乡镇党委、政府 | 县财政局 | 2026年10月底 |
| 3 | 优化营商环境。 | ①营商环境持续改善。 | | 县发改局 | 县直各单位 | 长期坚持 |
"""


# -- the definitions, pure ----------------------------------------------------------------


def test_a_task_answers_through_its_leads_and_collectives_through_their_members() -> None:
    towns = Collectives({10: [11, 12], 20: []})
    assert answering_units([1], [1, 2], towns) == [1]
    assert answering_units([10], [11, 12, 2], towns) == [11, 12]
    # a collective lead with no members, and no other lead: every asked unit but collectives
    assert answering_units([20], [2, 20], towns) == [2]
    assert answering_units([], [2, 3, 20], towns) == [2, 3]


def test_done_and_missing() -> None:
    assert task_done([1], {1: Status.DONE, 2: None})  # another unit's silence does not undo it
    assert not task_done([11, 12], {11: Status.DONE, 12: None})
    assert not task_done([], {})  # a task that answers through nobody is never done
    collectives = Collectives({20: []})
    assert is_missing(2, False, collectives)
    assert not is_missing(20, False, collectives)  # a collective is never a silent unit
    assert not is_missing(2, True, collectives)
    assert task_status(True, [None, Status.IN_PROGRESS]) is Status.DONE
    assert task_status(False, [Status.DONE, None]) is Status.IN_PROGRESS
    assert task_status(False, [Status.DONE, Status.BEHIND]) is Status.BEHIND
    assert task_status(False, [None]) is None


# -- the same definitions everywhere --------------------------------------------------------


async def _reporter(unit: str, number: int) -> Contact:
    return await Contact.create(
        unit=await Unit.get(name=unit),
        role="reporter",
        identity=f"telegram:{number}",
        channel="telegram",
        display_name=unit,
    )


async def _report(contact: Contact, task: str, status: Status) -> None:
    request = await ReportRequest.get(
        unit_id=contact.unit_id, task__number=task, period__key=OCTOBER.key
    )
    await submit_report(
        contact, request.id, Draft(status, None, "已按要求推进"), now=NOW, today=TODAY
    )


@pytest.fixture
async def plan(db: str, tmp_path: Path) -> dict[str, Contact]:
    """The plan imported, the townships made members of 各乡镇党委、政府, October dispatched."""
    source = tmp_path / "plan.md"
    source.write_text(PLAN, encoding="utf-8")
    await import_plan(read_plan(source), source_name="plan.md", sha256="1" * 64, now=NOW)
    towns = await Unit.get(name="各乡镇党委、政府")
    assert towns.kind == "collective"
    assert (await Unit.get(name="县直各单位")).kind == "collective"
    for name in TOWNS:
        await UnitMember.create(
            collective=towns, member=await Unit.create(name=name, kind="government")
        )
    await dispatch(OCTOBER, now=NOW, today=TODAY)
    return {
        "发改": await _reporter("县发改局", 1),
        "甲": await _reporter(TOWNS[0], 2),
        "乙": await _reporter(TOWNS[1], 3),
    }


async def _lights() -> dict[str, tuple[Light, Status | None, list[str]]]:
    answer = await status(today=TODAY)
    assert isinstance(answer, Lights)
    return {t.number: (t.light, t.status, t.missing_units) for t in answer.tasks}


async def _warned() -> set[str]:
    return {
        k.split(":unit:")[0]
        for k in await OutboxMessage.filter(key__startswith="deadline:").values_list(
            "key", flat=True
        )
    }


async def test_lead_done_is_done_everywhere(plan: dict[str, Contact]) -> None:
    await _report(plan["发改"], "1", Status.DONE)
    await _report(plan["甲"], "2", Status.DONE)
    await _report(plan["发改"], "3", Status.IN_PROGRESS)
    lights = await _lights()
    # the lead said done: green and done, though 县财政局 is silent (and listed as such)
    assert lights["1"] == (Light.GREEN, Status.DONE, ["县财政局"])
    # 甲镇 done, 乙镇 silent: the collective lead is not done, and past its deadline
    assert lights["2"] == (Light.RED, Status.IN_PROGRESS, ["乙镇人民政府", "县财政局"])
    # 县直各单位 (no members) is nobody to wait for: not missing, not yellow for it
    assert lights["3"] == (Light.GREEN, Status.IN_PROGRESS, [])

    late = await overdue_use_case(today=date(2026, 12, 31))
    assert [t.number for t in late.tasks] == ["2"]
    assert "县直各单位" not in late.late_units
    assert "各乡镇党委、政府" not in late.late_units
    assert {"乙镇人民政府", "县财政局"} <= set(late.late_units)
    states = {s.task.number: s for s in await deadline_states()}
    assert [s.task.number for s in overdue(list(states.values()), TODAY)] == ["2"]

    # the warnings: not for done task 1; for task 2 to each township, none to the collective
    assert await run_deadline_warnings(NOW, TZ) == 2
    assert await _warned() == {f"deadline:{states['2'].task.id}:overdue"}

    await _report(plan["乙"], "2", Status.DONE)
    lights = await _lights()
    assert lights["2"] == (Light.GREEN, Status.DONE, ["县财政局"])
    assert (await overdue_use_case(today=TODAY)).tasks == []
    digest = await build_digest(OCTOBER, today=TODAY)
    assert digest.overdue == []
    assert [u.unit for u in digest.units] == [
        "县财政局",
        "乙镇人民政府",
        "县发改局",
        "甲镇人民政府",
    ]
    assert {u.unit: u.missing for u in digest.units}["县财政局"] == 2


async def test_done_in_an_earlier_month_stays_done(plan: dict[str, Contact]) -> None:
    """A lead that said 已完成 in October is not asked in November, and the task stays done."""
    await _report(plan["发改"], "1", Status.DONE)
    await dispatch(Month(2026, 11), now=NOW, today=TODAY)
    answer = await status(today=date(2026, 12, 10), period="2026-11")
    assert isinstance(answer, Lights)
    one = next(t for t in answer.tasks if t.number == "1")
    assert (one.light, one.status) == (Light.GREEN, Status.DONE)
    assert "1" not in [t.number for t in (await overdue_use_case(today=date(2026, 12, 10))).tasks]


async def test_the_secretariat_sees_the_same_in_chat(
    plan: dict[str, Contact], tmp_path: Path
) -> None:
    """/status and /overdue in chat, from the same definitions: task 1 done by its lead, task
    2 waiting for 乙镇, task 3 on track with 县直各单位 nobody to wait for."""
    await _report(plan["发改"], "1", Status.DONE)
    await _report(plan["甲"], "2", Status.DONE)
    await _report(plan["发改"], "3", Status.IN_PROGRESS)
    world = Dialogue(tmp_path / "data")
    invite = await create_invite(None, ContactRole.SECRETARIAT, now=world.clock(), locale="en")
    await world.says(SEC, f"/start {invite.code}")
    assert await world.says(SEC, "/status") == reply("Preparing the status…")
    assert await world.jobs(SEC) == reply(
        "🟢 1. 建成政务服务中心。 — Done\n"
        "🔴 2. 整治农村人居环境。 — In progress\n"
        "🟢 3. 优化营商环境。 — In progress",
        "Status 2026-10",
    )
    assert await world.says(SEC, "/status 3") == reply("Preparing the status…")
    assert await world.jobs(SEC) == reply(
        "🟢 3. 优化营商环境。\nLead: 县发改局\n已按要求推进", "Status 2026-10"
    )
    assert await world.says(SEC, "/overdue") == reply("Preparing the overdue list…")
    assert await world.jobs(SEC) == reply(
        "Task 2 整治农村人居环境。 — deadline 2026年10月底, lead 各乡镇党委、政府",
        "Overdue (2026-10)",
    )


async def test_graded_supervision_agrees(plan: dict[str, Contact], tmp_path: Path) -> None:
    """The 督办 items by the same definitions: the overdue 督办单 are for the tasks /overdue
    lists, to the units still owing them; the late-report ones for the units the lights list
    as missing (never 县直各单位 nor 各乡镇党委、政府)."""
    await _report(plan["发改"], "1", Status.DONE)
    await _report(plan["甲"], "2", Status.DONE)
    await _report(plan["发改"], "3", Status.IN_PROGRESS)
    end = date(2026, 12, 31)  # past every deadline and October's due day
    rules = SupervisionRules(Thresholds(late_days=1, due_soon_days=0, missed_periods=2))
    report = await run_supervision(
        datetime(2026, 12, 31, 2, tzinfo=UTC), TZ, tmp_path / "data", rules, dry_run=True
    )
    overdue_items = {
        (i.number, i.unit) for i in report.items if Reason.TASK_OVERDUE in i.graded.reasons
    }
    assert overdue_items == {("2", "乙镇人民政府")}
    assert [t.number for t in (await overdue_use_case(today=end)).tasks] == ["2"]
    late = {
        number: sorted(
            i.unit
            for i in report.items
            if i.number == number and Reason.REPORT_LATE in i.graded.reasons
        )
        for number in ("1", "2", "3")
    }
    lights = await _lights()
    assert late == {number: sorted(lights[number][2]) for number in ("1", "2", "3")}
    assert late == {"1": ["县财政局"], "2": ["乙镇人民政府", "县财政局"], "3": []}
