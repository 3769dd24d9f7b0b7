"""A revised plan and an approved 延期: re-importing the plan keeps the extended deadline unless
the revision itself sets a different one for that task."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.importers import read_plan_bytes
from bot.plans.importing import import_plan
from bot.storage.models import DeadlineExtension, Task, Unit

HEADER = "| 序号 | 目标任务 | 具体要求 | 牵头单位 | 责任单位 | 完成时间 |\n|--|--|--|--|--|--|\n"


def plan(task_1: str, deadline_1: str) -> bytes:
    rows = (
        f"| 1 | {task_1} | 年底前完成。 | 县发改局 | 县财政局 | {deadline_1} |",
        "| 2 | 推进信用体系建设。 | 全面推行信用承诺制。 | 县发改局 | 县市场监管局 | 2026-12-31 |",
    )
    return ("X办发〔2026〕1号\n\n测试分工方案\n\n" + HEADER + "\n".join(rows) + "\n").encode()


async def store(content: bytes) -> object:
    parsed = read_plan_bytes(content, name="plan.md")
    return await import_plan(parsed, source_name="plan.md", sha256="0" * 64, now=datetime.now(UTC))


async def extend(number: str, new: date) -> None:
    """As an approval does: the request row keeps the old date, the task gets the new one."""
    task = await Task.get(number=number)
    unit = await Unit.get(name="县发改局")
    await DeadlineExtension.create(
        task=task, unit=unit, old_deadline=task.deadline, new_deadline=new, reason="资金未到位",
        state="approved", requested_at=datetime.now(UTC), decided_at=datetime.now(UTC),
    )  # fmt: skip
    task.deadline = new
    await task.save(update_fields=["deadline"])


async def deadline(number: str) -> date | None:
    return (await Task.get(number=number, retired_at=None)).deadline


async def test_an_approved_extension_survives_a_revision(db: str) -> None:
    await store(plan("深化一件事一次办改革。", "2026-12-31"))
    await extend("1", date(2027, 3, 31))
    same = await store(plan("深化一件事一次办改革。", "2026-12-31"))
    assert same.diff.is_empty  # type: ignore[attr-defined]  # the same file: nothing changed
    assert await deadline("1") == date(2027, 3, 31)
    # the revision rewords the task but keeps its deadline: the extension stands
    reworded = await store(plan("深化“一件事一次办”改革。", "2026-12-31"))
    assert reworded.diff.changed == ["1"]  # type: ignore[attr-defined]
    assert await deadline("1") == date(2027, 3, 31)
    # the revision sets another deadline for it: the leading group's new date wins
    moved = await store(plan("深化“一件事一次办”改革。", "2027-06-30"))
    assert moved.diff.changed == ["1"]  # type: ignore[attr-defined]
    assert await deadline("1") == date(2027, 6, 30)
