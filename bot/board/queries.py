"""What the board shows, as plain values, scoped to the viewer on the server.

A plan's page is the digest of its latest dispatched month (``bot.oversight.digest``, the one
``/status`` and ``/overdue`` read too) joined with the register's ids, deadlines and
responsible units; the reporting rate is the export chart's (``bot.oversight.exports``). A
task's page is every report version and quarterly summary on it; a unit's page its tasks
(``bot.reporting.reports.unit_tasks``) and its record by month. A reporter's viewer sees
only the tasks of its units; whatever is outside the scope is answered as not found.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.board.access import Viewer
from bot.domain.digest import TaskLine
from bot.domain.errors import RefusedError
from bot.domain.messages import Message
from bot.i18n import Translator
from bot.oversight.digest import build_digest
from bot.oversight.exports import chart_data
from bot.reporting.records import reporting_month
from bot.reporting.reports import UnitTask, unit_scope, unit_tasks
from bot.storage.models import (
    Assignment,
    Plan,
    ProgressReport,
    QuarterlySummary,
    ReportRequest,
    Task,
    Unit,
)

ROLE_ORDER = ("lead", "responsible", "cooperating")


class NotFoundError(Exception):
    """Nothing the viewer may see here (absent, or outside their units: the same answer)."""


@dataclass(frozen=True, slots=True)
class UnitRef:
    """A unit named on a page, with its id for a link."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class TaskRow:
    """One line of the plan's task table."""

    id: int
    line: TaskLine  # number, title, light, status, latest narrative, units not reported
    units: dict[str, list[UnitRef]]  # role → units
    deadline: date | None
    overdue: bool


@dataclass(frozen=True, slots=True)
class UnitRecordLine:
    """A unit's reporting in the period: asked, reported (on time, late), missing."""

    unit: UnitRef
    asked: int
    reported: int
    late: int
    missing: int


@dataclass(slots=True)
class PlanBoard:
    """A plan's page."""

    id: int
    title: str
    period: str = ""
    due_on: date | None = None
    tasks: list[TaskRow] = field(default_factory=list)
    units: list[UnitRecordLine] = field(default_factory=list)
    late_units: list[UnitRef] = field(default_factory=list)  # missing after the due day
    rates: list[tuple[str, float]] = field(default_factory=list)
    refusal: Message | None = None  # why there is nothing to show yet

    @property
    def overdue(self) -> list[TaskRow]:
        """Tasks past their deadline and not reported done."""
        return [t for t in self.tasks if t.overdue]

    def count(self, light: str) -> int:
        """How many tasks have the light."""
        return sum(1 for t in self.tasks if t.line.light.value == light)


@dataclass(frozen=True, slots=True)
class PlanRef:
    """A plan in the list."""

    id: int
    title: str


async def plans() -> list[PlanRef]:
    """The active plans, newest first."""
    rows = await Plan.filter(retired_at=None).order_by("-updated_at", "-id").values("id", "title")
    return [PlanRef(int(r["id"]), str(r["title"])) for r in rows]


async def _assignments(plan_id: int) -> dict[int, dict[str, list[UnitRef]]]:
    found: dict[int, dict[str, list[UnitRef]]] = defaultdict(lambda: defaultdict(list))
    rows = (
        await Assignment.filter(task__plan_id=plan_id, retired_at=None)
        .order_by("position", "id")
        .values_list("task_id", "role", "unit_id", "unit__name")
    )
    for task_id, role, unit_id, name in rows:
        found[int(task_id)][str(role)].append(UnitRef(int(unit_id), str(name)))
    return found


def _visible(units: dict[str, list[UnitRef]], viewer: Viewer) -> bool:
    return viewer.wide or any(viewer.sees_unit(u.id) for refs in units.values() for u in refs)


async def plan_board(plan_id: int, viewer: Viewer, *, today: date, tr: Translator) -> PlanBoard:
    """The plan's latest dispatched month, as the viewer may see it."""
    plan = await Plan.get_or_none(id=plan_id, retired_at=None) if 0 < plan_id < 2**31 else None
    if plan is None:
        raise NotFoundError
    board = PlanBoard(plan.id, plan.title)
    try:
        month = await reporting_month(None, plan.id)
        digest = await build_digest(month, today=today, plan_id=plan.id)
    except RefusedError as refused:
        board.refusal = refused.message
        return board
    board.period, board.due_on = digest.period, digest.due_on
    tasks = {
        str(r["number"]): r
        for r in await Task.filter(plan_id=plan.id, retired_at=None).values(
            "id", "number", "deadline"
        )
    }
    units = await _assignments(plan.id)
    overdue = {str(o["number"]) for o in digest.overdue}
    for line in digest.tasks:
        row = tasks.get(line.number)
        if row is None or not _visible(units[int(row["id"])], viewer):
            continue
        board.tasks.append(
            TaskRow(
                id=int(row["id"]),
                line=line,
                units={role: units[int(row["id"])].get(role, []) for role in ROLE_ORDER},
                deadline=row["deadline"],
                overdue=line.number in overdue,
            )
        )
    ids = {
        str(n): int(i)
        for n, i in await Unit.filter(name__in=[u.unit for u in digest.units]).values_list(
            "name", "id"
        )
    }
    late = digest.due_on is not None and today > digest.due_on
    for u in digest.units:
        ref = UnitRef(ids.get(u.unit, 0), u.unit)
        if not viewer.sees_unit(ref.id):
            continue
        board.units.append(UnitRecordLine(ref, u.asked, u.reported, u.late, u.missing))
        if late and u.missing:
            board.late_units.append(ref)
    if viewer.wide:
        board.rates = (await chart_data(digest, tr)).rates
    return board


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


async def task_page(task_id: int, viewer: Viewer) -> TaskPage:
    """The task with every report version and summary the viewer may see."""
    task = (
        await Task.get_or_none(id=task_id, retired_at=None).select_related("plan")
        if 0 < task_id < 2**31
        else None
    )
    if task is None:
        raise NotFoundError
    units = (await _assignments(task.plan_id)).get(task.id, {})
    if not _visible(units, viewer):
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


async def unit_page(unit_id: int, viewer: Viewer) -> UnitPage:
    """The unit's tasks and record; not found outside the viewer's units."""
    unit = await Unit.get_or_none(id=unit_id) if 0 < unit_id < 2**31 else None
    if unit is None or not viewer.sees_unit(unit.id):
        raise NotFoundError
    tasks = await unit_tasks(unit.id)
    ids = dict(
        await Task.filter(
            number__in=[t.number for t in tasks],
            plan__retired_at=None,
            retired_at=None,
            assignments__unit_id__in=await unit_scope(unit.id),
        )
        .distinct()
        .values_list("number", "id")
    )
    asked: dict[str, set[int]] = defaultdict(set)
    for request_id, key in await ReportRequest.filter(
        unit_id=unit.id, period__kind="month"
    ).values_list("id", "period__key"):
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
        [(int(ids.get(t.number, 0)), t) for t in tasks],
        record,
    )
