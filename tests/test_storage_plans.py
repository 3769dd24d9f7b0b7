"""Storing plans on SQLite and PostgreSQL: first import, revisions, retirement, aliases, merges."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from tortoise.exceptions import IntegrityError

from bot.domain.plan import ParsedPlan, Role
from bot.importers import read_plan, read_plan_bytes
from bot.plans.importing import import_plan
from bot.plans.units import UnitError, add_alias, find_unit, list_units, merge_units
from bot.storage.models import (
    Assignment,
    AuditLog,
    Plan,
    PlanImport,
    ProgressReport,
    ReportingPeriod,
    ReportRequest,
    Task,
    Unit,
)
from bot.storage.register import load_tasks

HEADER = "| 序号 | 目标任务 | 具体要求 | 牵头单位 | 责任单位 | 完成时间 |\n|--|--|--|--|--|--|\n"


def plan_text(*rows: str, title: str = "测试分工方案") -> bytes:
    return (f"X办发〔2026〕1号\n\n{title}\n\n" + HEADER + "\n".join(rows) + "\n").encode()


async def store(parsed: ParsedPlan, name: str = "plan.md") -> object:
    return await import_plan(parsed, source_name=name, sha256="0" * 64, now=datetime.now(UTC))


async def test_first_import_stores_the_whole_register(db: str, shared_plan: Path) -> None:
    outcome = await store(read_plan(shared_plan))
    plan = await Plan.get()
    assert (plan.revision, plan.doc_number, plan.issued) == (
        1,
        "辰教小组发〔2022〕10号",
        date(2022, 10, 31),
    )
    assert await Task.filter(plan=plan).count() == 24
    tasks = await load_tasks(plan.id)
    assert [t.to_json() for t in tasks] == [t.to_json() for t in read_plan(shared_plan).tasks]
    assert await Unit.filter(name="政府").count() == 0
    collective = await Unit.get(name="各乡镇党委、政府")
    assert collective.kind == "collective"
    assert await Assignment.filter(unit=collective).count() == 10
    assert await PlanImport.filter(plan=plan).count() == 1
    assert await AuditLog.filter(action="plan.import").count() == 1
    assert outcome.created


async def test_reimporting_the_same_file_changes_nothing(db: str, sample_plan: Path) -> None:
    await store(read_plan(sample_plan))
    outcome = await store(read_plan(sample_plan))
    assert not outcome.changed_anything
    assert (await Plan.get()).revision == 1
    assert await PlanImport.all().count() == 1


async def test_revision_diffs_by_number_and_keeps_reports(db: str) -> None:
    first = plan_text(
        "| 1 | 甲 | ①一②二 | 县教育局 | 县财政局 | 2026年底 |",
        "| 2 | 乙 | 要求 | 县教育局 | 县人社局 | |",
        "| 3 | 丙 | 要求 | 县财政局 | 县教育局 | |",
    )
    await store(read_plan_bytes(first, name="v1.md"))
    plan = await Plan.get()
    task2 = await Task.get(plan=plan, number="2")
    unit = await Unit.get(name="县人社局")
    period = await ReportingPeriod.create(
        plan=plan, kind="month", key="2026-11", starts=date(2026, 11, 1), ends=date(2026, 11, 30)
    )
    request = await ReportRequest.create(period=period, task=task2, unit=unit)
    await ProgressReport.create(
        request=request,
        task=task2,
        unit=unit,
        version=1,
        status="in_progress",
        text="已启动",
        submitted_at=datetime.now(UTC),
    )

    second = plan_text(
        "| 1 | 甲 | ①一②二 | 县教育局 | 县财政局 | 2026年底 |",
        "| 2 | 乙（修订） | 要求 | 县教育局 | 县人社局、县民政局 | |",
        "| 4 | 丁 | 要求 | 县民政局 | | 2027年6月 |",
    )
    outcome = await store(read_plan_bytes(second, name="v2.md"))
    diff = outcome.diff
    assert (diff.added, diff.changed, diff.removed, diff.unchanged) == (["4"], ["2"], ["3"], ["1"])
    plan = await Plan.get()
    assert plan.revision == 2
    same_task = await Task.get(plan=plan, number="2")
    assert same_task.id == task2.id
    assert same_task.title == "乙（修订）"
    assert await ProgressReport.filter(task_id=task2.id).count() == 1
    retired = await Task.get(plan=plan, number="3")
    assert retired.retired_at is not None  # kept, not deleted
    assert [t.number for t in await load_tasks(plan.id)] == ["1", "2", "4"]
    snapshots = (
        await PlanImport.filter(plan=plan).order_by("revision").values_list("snapshot", flat=True)
    )
    assert [len(s["tasks"]) for s in snapshots] == [3, 3]  # the old text is still there

    third = plan_text(
        "| 1 | 甲 | ①一②二 | 县教育局 | 县财政局 | 2026年底 |",
        "| 2 | 乙（修订） | 要求 | 县教育局 | 县人社局 | |",
        "| 3 | 丙 | 要求 | 县财政局 | 县教育局 | |",
    )
    outcome = await store(read_plan_bytes(third, name="v3.md"))
    diff = outcome.diff
    assert (diff.added, diff.changed, diff.removed) == (["3"], ["2"], ["4"])
    restored = await Task.get(plan=plan, number="3")
    assert restored.id == retired.id
    assert restored.retired_at is None
    units = {a.unit for t in await load_tasks(plan.id) for a in t.assignments if t.number == "2"}
    assert units == {"县教育局", "县人社局"}
    assert await Assignment.filter(task_id=task2.id, retired_at__not_isnull=True).count() == 1


async def test_a_failed_import_leaves_nothing_behind(
    db: str, sample_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store(read_plan(sample_plan))
    before = await Task.all().count(), await Unit.all().count(), await PlanImport.all().count()

    async def broken(*_: object) -> None:
        raise IntegrityError("simulated failure half-way through")

    monkeypatch.setattr("bot.plans.importing._store_aliases", broken)
    revised = read_plan(sample_plan)
    revised.tasks[0].title = "改过的标题"
    revised.tasks.append(revised.tasks[0].__class__("99", "新任务", [], []))
    with pytest.raises(IntegrityError):
        await store(revised)
    after = await Task.all().count(), await Unit.all().count(), await PlanImport.all().count()
    assert after == before
    assert (await Plan.get()).revision == 1
    assert (await Task.get(number="1")).title != "改过的标题"


async def test_aliases_and_merges(db: str) -> None:
    await store(
        read_plan_bytes(
            plan_text(
                "| 1 | 甲 | 要求 | 县教育局 | 中小学 | |",
                "| 2 | 乙 | 要求 | 县教育局 | 各中小学校 | |",
            ),
            name="a.md",
        )
    )
    with pytest.raises(UnitError):
        await add_alias("县教育局", "中小学", plan_id=None)  # 中小学 is a unit of its own
    with pytest.raises(UnitError):
        await merge_units("县教育局", "县教育局", now=datetime.now(UTC))
    with pytest.raises(UnitError):
        await merge_units("不存在的单位", "县教育局", now=datetime.now(UTC))
    await merge_units("中小学", "各中小学校", now=datetime.now(UTC))
    summary = {u.name: u for u in await list_units()}
    assert "中小学" not in summary
    assert summary["各中小学校"].responsible == 2
    assert summary["各中小学校"].aliases == ["中小学"]
    # The next import of the same plan uses the merged name, so nothing changes.
    outcome = await store(
        read_plan_bytes(
            plan_text(
                "| 1 | 甲 | 要求 | 县教育局 | 中小学 | |",
                "| 2 | 乙 | 要求 | 县教育局 | 各中小学校 | |",
            ),
            name="a.md",
        )
    )
    assert not outcome.changed_anything
    unit = await add_alias("县教育局", "教育局", plan_id=(await Plan.get()).id)
    assert unit.name == "县教育局"
    outcome = await store(
        read_plan_bytes(
            plan_text(
                "| 1 | 甲 | 要求 | 教育局 | 中小学 | |", "| 2 | 乙 | 要求 | 教育局 | 各中小学校 | |"
            ),
            name="a.md",
        )
    )
    assert not outcome.changed_anything
    roles = {
        (a.unit, a.role) for t in await load_tasks((await Plan.get()).id) for a in t.assignments
    }
    assert ("县教育局", Role.LEAD) in roles


async def test_a_plan_in_traditional_script_finds_the_units_stored_in_simplified(db: str) -> None:
    simplified = plan_text("| 1 | 推进课后服务 | 全覆盖 | 县教育局 | 县财政局 | 2026-12-31 |")
    await store(read_plan_bytes(simplified, name="a.md"))
    traditional = plan_text("| 1 | 推進課後服務 | 全覆蓋 | 縣教育局 | 縣財政局 | 2026-12-31 |")
    await store(read_plan_bytes(traditional, name="b.md"))
    assert sorted(await Unit.all().values_list("name", flat=True)) == ["县教育局", "县财政局"]
    assert (await find_unit("縣教育局")).name == "县教育局"
