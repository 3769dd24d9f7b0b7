"""Reading stored reports: a unit's tasks with their last status, a task's history.

A county runs several plans at once: a unit's tasks come plan by plan (active plans only), a
task two plans share (:func:`bot.domain.twins.task_text_key`) listed once under its first plan
(:func:`fold_task_twins`); a task number is looked up in the plans where it has reports
(:func:`reported_plans`) and its history read from the plans chosen.

Also the report versions one chat message produced and one stored report of a unit (what
editing a message asks about), and the units a unit reports for (:func:`unit_scope`). Storing
a version is :mod:`bot.reporting.reports`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.deadlines import still_written
from bot.domain.errors import RefusedError
from bot.domain.messages import N_, msg
from bot.domain.plan_choice import PlanRef
from bot.domain.reporting import Status
from bot.domain.twins import task_text_key
from bot.reporting.latest import LatestStatus, last_statuses
from bot.reporting.requests import goal_of
from bot.storage.models import Assignment, Contact, ProgressReport, Task, UnitMember


async def unit_scope(unit_id: int) -> list[int]:
    """The unit and the collectives it belongs to (a township reports for 各乡镇党委、政府 too)."""
    rows = await UnitMember.filter(member_id=unit_id).values_list("collective_id", flat=True)
    return [unit_id, *(int(str(c)) for c in rows)]


@dataclass(frozen=True, slots=True)
class UnitTask:
    """One of a unit's tasks with its last reported status."""

    number: str
    title: str
    role: str
    deadline: date | None
    status: Status | None
    percent: int | None
    reported_at: datetime | None
    deadline_words: str | None = None  # the plan's words (长期坚持, 2026年12月) while they hold
    plan_id: int = 0  # the plan the task belongs to
    plan: str = ""  # the plan's short name (its number before it had one)
    text_key: str = ""  # what a twin in another plan shares (its title and goal, normalised)

    @property
    def deadline_as_written(self) -> str:
        """The deadline in the plan's words, else its date (ISO), else empty."""
        return self.deadline_words or (self.deadline.isoformat() if self.deadline else "")


async def unit_tasks(unit_id: int, plan_id: int | None = None) -> list[UnitTask]:
    """The unit's live tasks (its own and its collectives') in the active plans (or the plan
    ``plan_id``), plan by plan (oldest first), each in plan order."""
    scope = await unit_scope(unit_id)
    query = Assignment.filter(
        unit_id__in=scope, retired_at=None, task__retired_at=None, task__plan__retired_at=None
    )
    if plan_id is not None:
        query = query.filter(task__plan_id=plan_id)
    rows = await query.select_related("task__plan").order_by(
        "task__plan_id", "task__position", "position"
    )
    latest: dict[int, LatestStatus] = {}
    last = await last_statuses(task_ids=[a.task_id for a in rows], unit_ids=scope)
    for status in sorted(last.values(), key=lambda r: (r.submitted_at, r.id)):
        latest[status.task_id] = status  # the last of the scope's units to report on the task
    seen: set[int] = set()
    tasks = []
    for a in rows:
        if a.task_id in seen:
            continue
        seen.add(a.task_id)
        report = latest.get(a.task_id)
        task = a.task
        tasks.append(
            UnitTask(
                number=task.number,
                title=task.title,
                role=a.role,
                deadline=task.deadline,
                status=Status(report.status) if report else None,
                percent=report.percent if report else None,
                reported_at=report.submitted_at if report else None,
                deadline_words=still_written(task.deadline_text, task.deadline),
                plan_id=task.plan_id,
                plan=task.plan.short_name or str(task.plan_id),
                text_key=task_text_key(task.title, goal_of(task.requirements)),
            )
        )
    return tasks


@dataclass(frozen=True, slots=True)
class ListedTask:
    """A task as ``/mytasks`` lists it, with its twins in later plans (listed with it)."""

    task: UnitTask
    twins: tuple[UnitTask, ...] = ()

    @property
    def newest(self) -> UnitTask:
        """The task or twin last reported on (a report is filed to both; either may be newer)."""
        newest = self.task
        for twin in self.twins:
            if twin.reported_at and (
                not newest.reported_at or twin.reported_at > newest.reported_at
            ):
                newest = twin
        return newest


def fold_task_twins(tasks: list[UnitTask]) -> list[ListedTask]:
    """``tasks`` in their order, a twin of an earlier task (another plan, the same text)
    folded into it instead of listed again."""
    first: dict[str, int] = {}
    folded: list[tuple[UnitTask, list[UnitTask]]] = []
    for task in tasks:
        at = first.get(task.text_key) if task.text_key else None
        if at is not None and task.plan_id not in {
            t.plan_id for t in (folded[at][0], *folded[at][1])
        }:
            folded[at][1].append(task)
            continue
        if task.text_key and at is None:
            first[task.text_key] = len(folded)
        folded.append((task, []))
    return [ListedTask(task, tuple(twins)) for task, twins in folded]


@dataclass(frozen=True, slots=True)
class TaskPlan:
    """An active plan whose task of a number has reports, and that task's text (twins share
    it)."""

    plan: PlanRef
    text_key: str


async def reported_plans(
    number: str, unit_id: int | None, plan_ids: Collection[int] | None = None
) -> list[TaskPlan]:
    """The active plans (of ``plan_ids`` when given) whose task ``number`` has reports of the
    unit (of any unit when None), oldest first."""
    query = Task.filter(number=number, plan__retired_at=None)
    if plan_ids is not None:
        query = query.filter(plan_id__in=list(plan_ids))
    tasks = await query.select_related("plan").order_by("plan_id")
    if not tasks:
        return []
    reports = ProgressReport.filter(task_id__in=[t.id for t in tasks])
    if unit_id is not None:
        reports = reports.filter(unit_id__in=await unit_scope(unit_id))
    reported = {int(str(i)) for i in await reports.distinct().values_list("task_id", flat=True)}
    return [
        TaskPlan(
            PlanRef(t.plan_id, t.plan.short_name or str(t.plan_id), t.plan.title),
            task_text_key(t.title, goal_of(t.requirements)),
        )
        for t in tasks
        if t.id in reported
    ]


async def unit_plan_count(unit_id: int) -> int:
    """How many active plans the unit (or a collective it belongs to) has live tasks in."""
    plans = await (
        Assignment.filter(
            unit_id__in=await unit_scope(unit_id),
            retired_at=None,
            task__retired_at=None,
            task__plan__retired_at=None,
        )
        .distinct()
        .values_list("task__plan_id", flat=True)
    )
    return len({int(str(plan)) for plan in plans})


async def task_history(
    number: str, unit_id: int | None, limit: int = 10, plan_ids: Collection[int] | None = None
) -> list[ProgressReport]:
    """The latest reports on task ``number`` (of the unit, or of every unit when None) in the
    active plans (of ``plan_ids`` when given), with their plan."""
    query = ProgressReport.filter(task__number=number, task__plan__retired_at=None)
    if plan_ids is not None:
        query = query.filter(task__plan_id__in=list(plan_ids))
    if unit_id is not None:
        query = query.filter(unit_id__in=await unit_scope(unit_id))
    return list(
        await query.select_related("unit", "request__period", "contact", "task__plan")
        .prefetch_related("attachments")
        .order_by("-submitted_at", "-id")
        .limit(limit)
    )


async def reports_from_message(contact: Contact, source_ref: str) -> list[ProgressReport]:
    """The unit's newest report versions read from one chat message (an edit asks about them)."""
    if contact.unit_id is None:
        return []
    rows = await (
        ProgressReport.filter(unit_id=contact.unit_id, source_ref=source_ref[:64])
        .select_related("request__period", "task")
        .order_by("-version")
    )
    newest: dict[int, ProgressReport] = {}
    for row in rows:
        newest.setdefault(row.request_id, row)
    return sorted(newest.values(), key=lambda r: r.task.position)


async def stored_report(contact: Contact, report_id: int) -> ProgressReport:
    """One of the unit's stored reports, with its request's period and task."""
    report = await ProgressReport.get_or_none(id=report_id).select_related(
        "request__period", "task"
    )
    if report is None or report.unit_id != contact.unit_id:
        raise RefusedError(msg(N_("That task is not one of your unit’s open requests.")))
    return report
