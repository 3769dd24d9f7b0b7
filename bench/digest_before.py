"""The digest as it was before issue 16's speed work (commit 497df71), kept here only to be
measured beside ``bot/oversight/digest.py`` (``bench/bench_digest.py``).

The old code unchanged but for names, with the lights and deadline states it used: requests as
models with their task and unit, and the last status of every (task, unit) of every plan's
tasks with a deadline (every report of the history ranked) to learn which are overdue.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.domain.cadence import previous_month
from bot.domain.digest import Digest, TaskLine, UnitLine
from bot.domain.lights import Light
from bot.domain.reporting import Month, Status
from bot.domain.text import shorten
from bot.reporting.latest import LatestReport, last_statuses, latest_in_period
from bot.reporting.records import month_period
from bot.storage.models import (
    Assignment,
    Contact,
    ProgressReport,
    ReportingPeriod,
    ReportRequest,
    Task,
)

SEVERITY = {Status.DONE: 0, Status.IN_PROGRESS: 1, Status.NOT_STARTED: 2, Status.BEHIND: 3}


def overall_status(statuses: Sequence[Status | None]) -> Status | None:
    """One status for a task from its units' reports: done only when every unit says so, else
    the worst open one; when the units that reported are done but others are silent, the task
    is still in progress."""
    known = [s for s in statuses if s is not None]
    if not known:
        return None
    if all(s is Status.DONE for s in statuses):
        return Status.DONE
    open_ = [s for s in known if s is not Status.DONE]
    return max(open_, key=SEVERITY.__getitem__) if open_ else Status.IN_PROGRESS


def task_light(
    *,
    statuses: Sequence[Status | None],
    missed_twice: bool,
    deadline: date | None,
    today: date,
) -> Light:
    """The light of a task this period; ``None`` in ``statuses`` is a unit that did not report."""
    status = overall_status(statuses)
    if status is Status.DONE:
        return Light.GREEN
    if missed_twice or (deadline is not None and deadline < today):
        return Light.RED
    if (
        status is Status.BEHIND
        or any(s is None for s in statuses)
        or (deadline is not None and (deadline - today).days <= 30)
    ):
        return Light.YELLOW
    return Light.GREEN


@dataclass(frozen=True, slots=True)
class DeadlineState:
    """A task with a deadline, from its lead units' point of view."""

    task: Task
    lead_units: list[int]
    done: bool

    def days_left(self, today: date) -> int:
        """Days until the deadline (negative once past)."""
        assert self.task.deadline is not None
        return (self.task.deadline - today).days


async def deadline_states() -> list[DeadlineState]:
    """Every active task with a deadline; done when every lead unit last reported it done."""
    tasks = await Task.filter(deadline__not_isnull=True, retired_at=None, plan__retired_at=None)
    if not tasks:
        return []
    leads: dict[int, list[int]] = defaultdict(list)
    for task_id, unit_id in await Assignment.filter(
        task_id__in=[t.id for t in tasks], role="lead", retired_at=None
    ).values_list("task_id", "unit_id"):
        leads[task_id].append(unit_id)
    latest = await last_statuses(task_ids=[t.id for t in tasks])
    done = {pair for pair, last in latest.items() if last.status == Status.DONE.value}
    return [
        DeadlineState(
            task=t,
            lead_units=leads[t.id],
            done=bool(leads[t.id]) and all((t.id, u) in done for u in leads[t.id]),
        )
        for t in tasks
    ]


def overdue(states: list[DeadlineState], today: date) -> list[DeadlineState]:
    """Tasks past their deadline and not reported done (they stay in the digest until done)."""
    return [s for s in states if not s.done and s.days_left(today) < 0]


LATEST_CHARS = 80


async def _latest_reports(period: ReportingPeriod) -> dict[tuple[int, int], LatestReport]:
    return {(r.task_id, r.unit_id): r for r in await latest_in_period(period.id)}


async def _first_versions(period: ReportingPeriod) -> dict[int, bool]:
    """Per request: whether its first version was late."""
    first: dict[int, bool] = {}
    for request_id, late in await ProgressReport.filter(
        request__period_id=period.id, version=1
    ).values_list("request_id", "late"):
        first[int(request_id)] = bool(late)
    return first


async def _missing_pairs(plan_id: int, month: Month) -> set[tuple[int, int]]:
    """(task, unit) pairs asked in the month and never answered."""
    period = await ReportingPeriod.get_or_none(plan_id=plan_id, kind="month", key=month.key)
    if period is None:
        return set()
    answered = set(
        await ProgressReport.filter(request__period_id=period.id).values_list("task_id", "unit_id")
    )
    asked = set(await ReportRequest.filter(period=period).values_list("task_id", "unit_id"))
    return {(int(t), int(u)) for t, u in asked - answered}


async def build_digest(month: Month, *, today: date, plan_id: int | None = None) -> Digest:
    """The digest of a dispatched month (refused when it was never dispatched)."""
    period = await month_period(month, plan_id)
    await period.fetch_related("plan")
    requests = (
        await ReportRequest.filter(period=period)
        .select_related("task", "unit")
        .order_by("task__position", "unit__name")
    )
    latest = await _latest_reports(period)
    first_late = await _first_versions(period)
    previous = await ReportingPeriod.get_or_none(
        plan_id=period.plan_id, kind="month", key=previous_month(month).key
    )
    before = await _latest_reports(previous) if previous else {}
    missed_before = await _missing_pairs(period.plan_id, previous_month(month))

    units: dict[int, UnitLine] = {}
    per_task: dict[int, list[ReportRequest]] = defaultdict(list)
    for request in requests:
        line = units.setdefault(request.unit_id, UnitLine(request.unit.name))
        line.asked += 1
        if request.id in first_late:
            line.reported += 1
            if first_late[request.id]:
                line.late += 1
            else:
                line.on_time += 1
        else:
            line.missing += 1
        per_task[request.task_id].append(request)

    leads: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for task_id, unit_id, name in (
        await Assignment.filter(
            task__plan_id=period.plan_id,
            role="lead",
            retired_at=None,
        )
        .order_by("position")
        .values_list("task_id", "unit_id", "unit__name")
    ):
        leads[int(task_id)].append((int(unit_id), str(name)))

    tasks = []
    for task_id, asked in per_task.items():
        task: Task = asked[0].task
        statuses = [
            Status(latest[(task_id, r.unit_id)].status) if (task_id, r.unit_id) in latest else None
            for r in asked
        ]
        missed_twice = any(
            (task_id, r.unit_id) not in latest and (task_id, r.unit_id) in missed_before
            for r in asked
        )
        lead_ids = [u for u, _ in leads[task_id]]
        narrative = next(
            (latest[(task_id, u)] for u in lead_ids if (task_id, u) in latest),
            next(
                (latest[(task_id, r.unit_id)] for r in asked if (task_id, r.unit_id) in latest),
                None,
            ),
        )
        previous_statuses = [
            Status(before[(task_id, r.unit_id)].status)
            for r in asked
            if (task_id, r.unit_id) in before
        ]
        tasks.append(
            TaskLine(
                number=task.number,
                title=task.title,
                lead=[n for _, n in leads[task_id]],
                light=task_light(
                    statuses=statuses,
                    missed_twice=missed_twice,
                    deadline=task.deadline,
                    today=today,
                ),
                status=overall_status(statuses),
                latest=shorten(narrative.text, LATEST_CHARS) if narrative else "",
                problems=shorten(narrative.problems or "", LATEST_CHARS) if narrative else "",
                previous=overall_status(previous_statuses) if previous_statuses else None,
                missing_units=[
                    r.unit.name for r, s in zip(asked, statuses, strict=True) if s is None
                ],
            )
        )

    late_tasks = [
        {
            "number": s.task.number,
            "title": s.task.title,
            "lead": "、".join(n for _, n in leads.get(s.task.id, [])),
            "deadline": s.task.deadline.isoformat() if s.task.deadline else None,
        }
        for s in overdue(await deadline_states(), today)
        if s.task.plan_id == period.plan_id
    ]
    unreachable = [
        f"#{c.id} {c.unit.name if c.unit else '—'} {c.display_name}".strip()
        for c in await Contact.filter(active=True, unreachable_at__not_isnull=True)
        .select_related("unit")
        .order_by("id")
    ]
    return Digest(
        plan_id=period.plan_id,
        plan_title=period.plan.title,
        period=month.key,
        due_on=period.due_on,
        units=sorted(units.values(), key=lambda u: (-u.missing, u.unit)),
        tasks=tasks,
        overdue=late_tasks,
        unreachable=unreachable,
    )
