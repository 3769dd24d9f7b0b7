"""Reading stored reports: a unit's tasks with their last status, a task's history.

Also the report versions one chat message produced and one stored report of a unit (what
editing a message asks about), and the units a unit reports for (:func:`unit_scope`). Storing
a version is :mod:`bot.reporting.reports`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.deadlines import still_written
from bot.domain.errors import RefusedError
from bot.domain.messages import N_, msg
from bot.domain.reporting import Status
from bot.reporting.latest import LatestStatus, last_statuses
from bot.storage.models import Assignment, Contact, ProgressReport, UnitMember


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

    @property
    def deadline_as_written(self) -> str:
        """The deadline in the plan's words, else its date (ISO), else empty."""
        return self.deadline_words or (self.deadline.isoformat() if self.deadline else "")


async def unit_tasks(unit_id: int) -> list[UnitTask]:
    """The unit's active tasks (its own and its collectives'), in plan order."""
    scope = await unit_scope(unit_id)
    rows = (
        await Assignment.filter(unit_id__in=scope, retired_at=None, task__retired_at=None)
        .select_related("task")
        .order_by("task__position", "position")
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
        tasks.append(
            UnitTask(
                number=a.task.number,
                title=a.task.title,
                role=a.role,
                deadline=a.task.deadline,
                status=Status(report.status) if report else None,
                percent=report.percent if report else None,
                reported_at=report.submitted_at if report else None,
                deadline_words=still_written(a.task.deadline_text, a.task.deadline),
            )
        )
    return tasks


async def task_history(number: str, unit_id: int | None, limit: int = 10) -> list[ProgressReport]:
    """The latest reports on task ``number`` (of the unit, or of every unit when None)."""
    query = ProgressReport.filter(task__number=number, task__plan__retired_at=None)
    if unit_id is not None:
        query = query.filter(unit_id__in=await unit_scope(unit_id))
    return list(
        await query.select_related("unit", "request__period", "contact")
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
