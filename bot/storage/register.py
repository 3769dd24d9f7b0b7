"""Reading the stored register back as domain values (plan header, tasks, assignments)."""

from __future__ import annotations

from collections import defaultdict

from bot.domain.plan import Assignment as AssignmentRow
from bot.domain.plan import PlanMeta, PlanTask, Role
from bot.storage.models import Assignment, Plan, Task


async def latest_plan(plan_id: int | None = None) -> Plan | None:
    """The plan with ``plan_id``, or the most recently updated active plan."""
    if plan_id is not None:
        return await Plan.get_or_none(id=plan_id) if 0 < plan_id < 2**31 else None
    return await Plan.filter(retired_at=None).order_by("-updated_at", "-id").first()


def plan_meta(plan: Plan) -> PlanMeta:
    """The stored plan header as a :class:`PlanMeta`."""
    return PlanMeta(
        title=plan.title,
        doc_number=plan.doc_number,
        issuer=plan.issuer,
        issued=plan.issued,
        monthly_dispatch=plan.monthly_dispatch,
        quarterly_summary=plan.quarterly_summary,
    )


TASK_COLUMNS = (
    "id", "number", "title", "requirements", "liaison", "deadline", "deadline_text", "section",
    "leader",
)  # fmt: skip


async def load_tasks(plan_id: int) -> list[PlanTask]:
    """The plan's active tasks in plan order, with their active assignments (two queries, read
    as values: no model is built)."""
    tasks = (
        await Task.filter(plan_id=plan_id, retired_at=None)
        .order_by("position", "id")
        .values(*TASK_COLUMNS)
    )
    rows = (
        await Assignment.filter(task__plan_id=plan_id, task__retired_at=None, retired_at=None)
        .order_by("task_id", "position", "id")
        .values_list("task_id", "unit__name", "role")
    )
    by_task: dict[int, list[AssignmentRow]] = defaultdict(list)
    for task_id, unit_name, role in rows:
        by_task[task_id].append(AssignmentRow(unit_name, Role(role)))
    return [
        PlanTask(
            number=t["number"],
            title=t["title"],
            requirements=list(t["requirements"] or []),
            assignments=by_task.get(t["id"], []),
            liaison=t["liaison"],
            deadline=t["deadline"],
            deadline_text=t["deadline_text"],
            section=t["section"],
            leader=t["leader"],
        )
        for t in tasks
    ]
