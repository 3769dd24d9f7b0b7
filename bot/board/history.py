"""A task's history and a unit's record, as the board's viewer may see them.

A task's page is every report version and quarterly summary on it, only its own units' for a
viewer who is not wide; a unit's page its tasks (``bot.reporting.history.unit_tasks``) and its
record by month, only for a unit of the viewer's (a plan's secretariat: in its plan only).
Whatever is outside the scope is answered as not found (:class:`bot.board.queries.NotFoundError`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from bot.board.access import Viewer
from bot.board.queries import ROLE_ORDER, NotFoundError, PlanRef, UnitRef, assignments, visible
from bot.domain.deadlines import as_written
from bot.reporting.history import UnitTask, unit_scope, unit_tasks
from bot.storage.models import ProgressReport, QuarterlySummary, ReportRequest, Task, Unit


@dataclass(frozen=True, slots=True)
class VersionRow:
    """One report version on a task."""

    period: str
    unit: UnitRef
    version: int
    status: str
    percent: int | None
    text: str
    late: bool
    submitted_at: datetime
    attachments: int


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """One version of a quarterly summary and its decision."""

    period: str
    unit: UnitRef
    version: int
    state: str
    text: str
    comment: str
    created_at: datetime
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class TaskPage:
    """A task's page: what it asks, who does it, and its whole history."""

    id: int
    plan: PlanRef
    number: str
    title: str
    deadline: date | None
    units: dict[str, list[UnitRef]]
    versions: list[VersionRow]
    summaries: list[SummaryRow]
    deadline_text: str = ""  # as the plan wrote it (长期坚持, 2026年12月), else the date


async def task_page(task_id: int, viewer: Viewer) -> TaskPage:
    """The task with every report version and summary the viewer may see."""
    task = (
        await Task.get_or_none(id=task_id, retired_at=None).select_related("plan")
        if 0 < task_id < 2**31
        else None
    )
    if task is None or not viewer.sees_plan(task.plan_id):
        raise NotFoundError
    units = (await assignments(task.plan_id)).get(task.id, {})
    if not visible(units, viewer):
        raise NotFoundError
    reports = ProgressReport.filter(task_id=task.id)
    summaries = QuarterlySummary.filter(task_id=task.id)
    if viewer.units is not None:
        reports = reports.filter(unit_id__in=sorted(viewer.units))
        summaries = summaries.filter(unit_id__in=sorted(viewer.units))
    versions = [
        VersionRow(
            period=r.request.period.key,
            unit=UnitRef(r.unit_id, r.unit.name),
            version=r.version,
            status=r.status,
            percent=r.percent,
            text=r.text,
            late=r.late,
            submitted_at=r.submitted_at,
            attachments=len(r.attachments),
        )
        for r in await reports.select_related("unit", "request__period")
        .prefetch_related("attachments")
        .order_by("-submitted_at", "-id")
    ]
    decided = [
        SummaryRow(
            period=s.period.key,
            unit=UnitRef(s.unit_id, s.unit.name),
            version=s.version,
            state=s.state,
            text=s.text,
            comment=s.comment or "",
            created_at=s.created_at,
            decided_at=s.decided_at,
        )
        for s in await summaries.select_related("unit", "period").order_by("-created_at", "-id")
    ]
    return TaskPage(
        id=task.id,
        plan=PlanRef(task.plan.id, task.plan.title),
        number=task.number,
        title=task.title,
        deadline=task.deadline,
        deadline_text=as_written(task.deadline_text, task.deadline),
        units={role: units.get(role, []) for role in ROLE_ORDER},
        versions=versions,
        summaries=decided,
    )


@dataclass(frozen=True, slots=True)
class MonthRecord:
    """A unit's requests in one month: asked, answered, answered late the first time."""

    period: str
    asked: int
    reported: int
    late: int


@dataclass(frozen=True, slots=True)
class UnitPage:
    """A unit's page: its tasks with their last status, and its record by month."""

    unit: UnitRef
    tasks: list[tuple[int, UnitTask]]  # (task id, the task as /status UNIT shows it)
    record: list[MonthRecord]

    @property
    def several_plans(self) -> bool:
        """Whether the tasks are in several plans (each then labelled with its plan)."""
        return len({t.plan_id for _, t in self.tasks}) > 1


async def unit_page(unit_id: int, viewer: Viewer) -> UnitPage:
    """The unit's tasks and record; not found outside the viewer's units.

    A task is found by its plan and number: task 3 of two plans is two tasks, two links.
    """
    unit = await Unit.get_or_none(id=unit_id) if 0 < unit_id < 2**31 else None
    if unit is None or not viewer.sees_unit(unit.id):
        raise NotFoundError
    tasks = await unit_tasks(unit.id, viewer.plan)  # a plan's secretariat: that plan's only
    ids = {
        (int(plan), str(number)): int(task)
        for plan, number, task in await Task.filter(
            plan_id__in=sorted({t.plan_id for t in tasks}),
            number__in=sorted({t.number for t in tasks}),
            retired_at=None,
            assignments__unit_id__in=await unit_scope(unit.id),
        )
        .distinct()
        .values_list("plan_id", "number", "id")
    }
    requests = ReportRequest.filter(unit_id=unit.id, period__kind="month")
    if viewer.plan is not None:
        requests = requests.filter(period__plan_id=viewer.plan)
    asked: dict[str, set[int]] = defaultdict(set)
    for request_id, key in await requests.values_list("id", "period__key"):
        asked[str(key)].add(int(request_id))
    first = dict(
        await ProgressReport.filter(unit_id=unit.id, version=1).values_list("request_id", "late")
    )
    record = [
        MonthRecord(
            period=key,
            asked=len(requests),
            reported=sum(1 for r in requests if r in first),
            late=sum(1 for r in requests if first.get(r)),
        )
        for key, requests in sorted(asked.items(), reverse=True)
    ]
    return UnitPage(
        UnitRef(unit.id, unit.name),
        [(ids.get((t.plan_id, t.number), 0), t) for t in tasks],
        record,
    )
