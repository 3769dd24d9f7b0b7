"""The digest for the secretariat (调度汇总): who reported, each task's light, what is overdue,
who cannot be reached, what changed since the previous period. Plain data; rendered elsewhere."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from bot.cadence.deadlines import deadline_states, overdue
from bot.domain.cadence import previous_month
from bot.domain.digest import Digest, TaskLine, UnitLine
from bot.domain.lights import overall_status, task_light
from bot.domain.reporting import Month, Status
from bot.domain.text import shorten
from bot.reporting.latest import LatestReport, latest_in_period
from bot.reporting.records import month_period
from bot.storage.models import (
    Assignment,
    Contact,
    ProgressReport,
    ReportingPeriod,
    ReportRequest,
    Task,
)

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
