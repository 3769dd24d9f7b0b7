"""Status and overdue (状态, 逾期): the one use case behind ``/status``, ``/overdue``,
``duban status`` and ``duban overdue``.

Both are read from the digest of "the period" as :func:`reporting_month` means it (the month
named, else the latest dispatched), so the chat and the command line answer alike. Plain
values come back; the chat and the CLI render them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.digest import TaskLine
from bot.domain.localtime import local_iso
from bot.oversight.digest import Digest, build_digest
from bot.plans.units import find_unit
from bot.reporting.history import UnitTask, unit_tasks
from bot.reporting.records import reporting_month


@dataclass(frozen=True, slots=True)
class Lights:
    """``/status``: every task of the period with its light."""

    period: str
    tasks: list[TaskLine]


@dataclass(frozen=True, slots=True)
class TaskStatus:
    """``/status N``: one task of the period."""

    period: str
    task: TaskLine


@dataclass(frozen=True, slots=True)
class UnitStatus:
    """``/status UNIT``: the unit's tasks in the plan asked about, with their latest reports
    (any month)."""

    unit: str
    tasks: list[UnitTask]


StatusAnswer = Lights | TaskStatus | UnitStatus


@dataclass(frozen=True, slots=True)
class OverdueTask:
    """A task past its deadline and not reported done."""

    number: str
    title: str
    deadline: date | None
    lead: str  # the lead units, joined with 、
    deadline_words: str | None = None  # the plan's words (2026年12月) while they hold

    @property
    def deadline_as_written(self) -> str:
        """The deadline in the plan's words, else its date (ISO), else empty."""
        return self.deadline_words or (self.deadline.isoformat() if self.deadline else "")


@dataclass(frozen=True, slots=True)
class Overdue:
    """``/overdue``: tasks past their deadline; units that missed the period's due day."""

    period: str
    due_on: date | None
    tasks: list[OverdueTask]
    late_units: list[str]  # empty until the due day has passed


async def _digest(today: date, period: str | None, plan_id: int | None) -> Digest:
    return await build_digest(await reporting_month(period, plan_id), today=today, plan_id=plan_id)


async def status(
    query: str = "", *, today: date, period: str | None = None, plan_id: int | None = None
) -> StatusAnswer:
    """The lights of the period; with ``query``, one task by number, or else one unit.

    A query that is no task of the period is looked up as a unit (name or alias); a unit
    that does not exist is refused with close names (:func:`find_unit`). A unit's tasks are
    the digest's plan's only (the one ``plan_id`` names, else the only active plan): a plan's
    secretariat never sees the unit's tasks in another plan.
    """
    current = await _digest(today, period, plan_id)
    query = query.strip()
    if not query:
        return Lights(current.period, list(current.tasks))
    task = next((t for t in current.tasks if t.number == query), None)
    if task is not None:
        return TaskStatus(current.period, task)
    unit = await find_unit(query, plan_id)
    return UnitStatus(unit.name, await unit_tasks(unit.id, current.plan_id))


async def overdue(*, today: date, period: str | None = None, plan_id: int | None = None) -> Overdue:
    """Tasks past their deadline, and the units still missing reports after the due day."""
    current = await _digest(today, period, plan_id)
    tasks = [
        OverdueTask(
            number=str(o["number"]),
            title=str(o["title"]),
            deadline=date.fromisoformat(o["deadline"]) if o.get("deadline") else None,
            lead=str(o.get("lead") or ""),
            deadline_words=str(o["deadline_words"]) if o.get("deadline_words") else None,
        )
        for o in current.overdue
    ]
    late = current.due_on is not None and today > current.due_on
    return Overdue(
        period=current.period,
        due_on=current.due_on,
        tasks=tasks,
        late_units=[u.unit for u in current.units if u.missing] if late else [],
    )


def _task_json(task: TaskLine) -> dict[str, Any]:
    return {
        "number": task.number,
        "title": task.title,
        "lead": "、".join(task.lead),
        "light": task.light.value,
        "status": task.status.value if task.status else None,
        "latest": task.latest,
        "missing_units": task.missing_units,
    }


def status_json(answer: StatusAnswer, zone: ZoneInfo) -> dict[str, Any]:
    """The ``duban status --json`` shape; report times with the local offset of ``zone``."""
    if isinstance(answer, Lights):
        return {"period": answer.period, "tasks": [_task_json(t) for t in answer.tasks]}
    if isinstance(answer, TaskStatus):
        return {"period": answer.period, "task": _task_json(answer.task)}
    return {
        "unit": answer.unit,
        "tasks": [
            {
                "number": t.number,
                "title": t.title,
                "role": t.role,
                "deadline": t.deadline.isoformat() if t.deadline else None,
                "deadline_text": t.deadline_words,
                "status": t.status.value if t.status else None,
                "percent": t.percent,
                "reported_at": local_iso(t.reported_at, zone) if t.reported_at else None,
            }
            for t in answer.tasks
        ],
    }


def overdue_json(found: Overdue) -> dict[str, Any]:
    """The ``duban overdue --json`` shape."""
    return {
        "period": found.period,
        "due_on": found.due_on.isoformat() if found.due_on else None,
        "tasks": [
            {
                "number": o.number,
                "title": o.title,
                "lead": o.lead,
                "deadline": o.deadline.isoformat() if o.deadline else None,
                "deadline_text": o.deadline_words,
            }
            for o in found.tasks
        ],
        "late_units": found.late_units,
    }
