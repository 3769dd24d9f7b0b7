"""What the board shows, as plain values, scoped to the viewer on the server.

A plan's page is the digest of its latest dispatched month (``bot.oversight.digest``, the one
``/status`` and ``/overdue`` read too) joined with the register's ids, deadlines and
responsible units; the reporting rate is the export chart's (``bot.oversight.exports``). A
task's page is every report version and quarterly summary on it; a unit's page its tasks
(``bot.reporting.history.unit_tasks``) and its record by month. A viewer who is not wide (a
unit's reporter or leader) sees only the tasks of its units and, on each, only what its own
units said: never another unit's words, nor which other unit is silent. Whatever is outside
the scope is answered as not found. A plan's secretariat sees its own plan only (another plan's
pages are not found to it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date

from bot.board.access import Viewer
from bot.domain.deadlines import as_written
from bot.domain.digest import TaskLine
from bot.domain.errors import RefusedError
from bot.domain.messages import Message
from bot.domain.reporting import Status
from bot.domain.text import shorten
from bot.i18n import DEFAULT_LOCALE, Translator
from bot.oversight.digest import LATEST_CHARS, build_digest
from bot.oversight.exports import chart_data
from bot.reporting.records import reporting_month
from bot.storage.models import (
    Assignment,
    Plan,
    ProgressReport,
    ReportingPeriod,
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
    deadline_text: str = ""  # as the plan wrote it (长期坚持, 2026年12月), else the date


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
    period_id: int = 0  # the month's ReportingPeriod (0: none dispatched)

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


async def plans(viewer: Viewer) -> list[PlanRef]:
    """The active plans the viewer has tasks in (every one when wide; a plan's secretariat
    its own), newest first."""
    found = Plan.filter(retired_at=None)
    if viewer.plan is not None:
        found = found.filter(id=viewer.plan)
    if viewer.units is not None:
        theirs = await Assignment.filter(
            retired_at=None, task__retired_at=None, unit_id__in=sorted(viewer.units)
        ).values_list("task__plan_id", flat=True)
        found = found.filter(id__in=sorted({int(str(i)) for i in theirs}))
    rows = await found.order_by("-updated_at", "-id").values("id", "title")
    return [PlanRef(int(r["id"]), str(r["title"])) for r in rows]


async def assignments(plan_id: int) -> dict[int, dict[str, list[UnitRef]]]:
    found: dict[int, dict[str, list[UnitRef]]] = defaultdict(lambda: defaultdict(list))
    rows = (
        await Assignment.filter(task__plan_id=plan_id, retired_at=None)
        .order_by("position", "id")
        .values_list("task_id", "role", "unit_id", "unit__name")
    )
    for task_id, role, unit_id, name in rows:
        found[int(task_id)][str(role)].append(UnitRef(int(unit_id), str(name)))
    return found


def visible(units: dict[str, list[UnitRef]], viewer: Viewer) -> bool:
    return viewer.wide or any(viewer.sees_unit(u.id) for refs in units.values() for u in refs)


async def plan_board(plan_id: int, viewer: Viewer, *, today: date) -> PlanBoard:
    """The plan's latest dispatched month, as the viewer may see it (built without a cache)."""
    whole = await whole_board(plan_id, today=today)
    return whole if viewer.wide else await scoped_board(whole, viewer)


async def whole_board(plan_id: int, *, today: date) -> PlanBoard:
    """The plan's latest dispatched month as the secretariat sees it: every task and unit."""
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
    period = await ReportingPeriod.get_or_none(plan_id=plan.id, kind="month", key=digest.period)
    board.period_id = period.id if period else 0
    tasks = {
        str(r["number"]): r
        for r in await Task.filter(plan_id=plan.id, retired_at=None).values(
            "id", "number", "deadline", "deadline_text"
        )
    }
    units = await assignments(plan.id)
    overdue = {str(o["number"]) for o in digest.overdue}
    for line in digest.tasks:
        row = tasks.get(line.number)
        if row is None:
            continue
        board.tasks.append(
            TaskRow(
                id=int(row["id"]),
                line=line,
                units={role: units[int(row["id"])].get(role, []) for role in ROLE_ORDER},
                deadline=row["deadline"],
                overdue=line.number in overdue,
                deadline_text=as_written(row["deadline_text"], row["deadline"]),
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
        board.units.append(UnitRecordLine(ref, u.asked, u.reported, u.late, u.missing))
        if late and u.missing:
            board.late_units.append(ref)
    board.rates = (await chart_data(digest, Translator(DEFAULT_LOCALE))).rates
    return board


async def scoped_board(whole: PlanBoard, viewer: Viewer) -> PlanBoard:
    """The plan's page for a viewer who is not wide (a unit's reporter or leader).

    Only the tasks of the viewer's units, and on each only what those units said in the
    period: their own status and words, and which of them has not reported. Another unit's
    progress, problems and silence are never shown (the light stays the task's own). No
    reporting rate: it is the whole plan's.
    """
    units = viewer.units or frozenset()
    board = PlanBoard(
        whole.id, whole.title, whole.period, whole.due_on, refusal=whole.refusal,
        period_id=whole.period_id,
    )  # fmt: skip
    rows = [row for row in whole.tasks if visible(row.units, viewer)]
    said = await _own_reports(whole.period_id, [row.id for row in rows], units)
    names = {str(n) for n in await Unit.filter(id__in=sorted(units)).values_list("name", flat=True)}
    for row in rows:
        own = said.get(row.id)
        line = replace(
            row.line,
            status=Status(own.status) if own else None,
            latest=shorten(own.text, LATEST_CHARS) if own else "",
            problems=shorten(own.problems or "", LATEST_CHARS) if own else "",
            previous=None,
            missing_units=[name for name in row.line.missing_units if name in names],
        )
        board.tasks.append(replace(row, line=line))
    board.units = [line for line in whole.units if viewer.sees_unit(line.unit.id)]
    board.late_units = [ref for ref in whole.late_units if viewer.sees_unit(ref.id)]
    return board


async def _own_reports(
    period_id: int, task_ids: list[int], units: frozenset[int]
) -> dict[int, ProgressReport]:
    """Per task, the newest report of the period among ``units`` (their highest versions)."""
    if not period_id or not task_ids or not units:
        return {}
    found: dict[int, ProgressReport] = {}
    for report in await ProgressReport.filter(
        request__period_id=period_id, task_id__in=task_ids, unit_id__in=sorted(units)
    ).order_by("submitted_at", "id"):
        found[report.task_id] = report  # the last one submitted wins
    return found
