"""The digest for the secretariat (调度汇总): who reported, each task's light, what is overdue,
who cannot be reached, what changed since the previous period. Plain data; rendered elsewhere.

"Done" and "missing" are :mod:`bot.domain.completion`'s, as in the deadline warnings: a task is
done when the units it answers through (its leads; collectives through their members) last
said 已完成, and a collective is never a silent unit. Read as values, a few queries a digest:
the period's requests and latest reports, the previous month's last status per request (one
statement, no text), and the history only of the pairs the period did not answer.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from bot.cadence.deadlines import deadline_states, overdue
from bot.cadence.dispatch import closed_task_ids
from bot.cadence.extensions import extended_tasks
from bot.domain.cadence import previous_month
from bot.domain.completion import Collectives, is_missing, task_done, task_status
from bot.domain.deadlines import still_written
from bot.domain.digest import Digest, TaskLine, UnitLine
from bot.domain.lights import task_light
from bot.domain.reporting import Month, Status
from bot.domain.text import shorten
from bot.oversight import collector
from bot.reporting.completion import answering, collectives, done_tasks, lead_units
from bot.reporting.latest import LatestReport, latest_in_period
from bot.reporting.plainsql import rows as plain_rows
from bot.reporting.records import month_period
from bot.storage.models import (
    Contact,
    Plan,
    ProgressReport,
    ReportingPeriod,
    ReportRequest,
    Task,
)

LATEST_CHARS = 80


# The previous month, as far as the lights and the "before" column need it: each request's
# task, unit and last status (NULL when it went unanswered), in one statement instead of its
# requests and its ranked latest reports with their texts (a fifth of a digest's CPU).
PREVIOUS_SQL = (
    'SELECT q."task_id", q."unit_id", (SELECT r."status" FROM "progress_report" r '
    'WHERE r."request_id" = q."id" ORDER BY r."version" DESC LIMIT 1) AS "status" '
    'FROM "report_request" q WHERE q."period_id" = ?'
)


async def _previous_statuses(period_id: int) -> dict[tuple[int, int], Status | None]:
    """Per (task, unit) asked in the period: the status its request last reported, or None."""
    return {
        (int(row["task_id"]), int(row["unit_id"])): (
            None if row["status"] is None else Status(row["status"])
        )
        for row in await plain_rows(PREVIOUS_SQL, period_id)
    }


async def _first_versions(period_id: int) -> dict[int, bool]:
    """Per request: whether its first version was late."""
    return {
        int(str(request_id)): bool(late)
        for request_id, late in await ProgressReport.filter(
            request__period_id=period_id, version=1
        ).values_list("request_id", "late")
    }


async def _asked(period_id: int) -> list[tuple[int, int, int, str]]:
    """The period's requests as (request, task, unit, unit name), in plan order."""
    return [
        (int(str(r)), int(str(t)), int(str(u)), str(n))
        for r, t, u, n in await ReportRequest.filter(period_id=period_id)
        .order_by("task__position", "unit__name")
        .values_list("id", "task_id", "unit_id", "unit__name")
    ]


def _unit_lines(
    asked: list[tuple[int, int, int, str]], first_late: dict[int, bool], found: Collectives
) -> list[UnitLine]:
    units: dict[int, UnitLine] = {}
    for request_id, _, unit_id, name in asked:
        if unit_id in found and request_id not in first_late:
            continue  # a collective that did not answer is no silent unit
        line = units.setdefault(unit_id, UnitLine(name))
        line.asked += 1
        if request_id in first_late:
            line.reported += 1
            if first_late[request_id]:
                line.late += 1
            else:
                line.on_time += 1
        else:
            line.missing += 1
    return sorted(units.values(), key=lambda u: (-u.missing, u.unit))


async def build_digest(month: Month, *, today: date, plan_id: int | None = None) -> Digest:
    """The digest of a dispatched month (refused when it was never dispatched)."""
    digest, _ = await digest_and_reports(month, today=today, plan_id=plan_id)
    return digest


async def digest_and_reports(
    month: Month, *, today: date, plan_id: int | None = None
) -> tuple[Digest, list[LatestReport]]:
    """:func:`build_digest`, with the month's latest report of each request it read (in plan
    order): the export fills its table from them instead of reading them again."""
    with collector.paused():
        return await _digest_and_reports(month, today=today, plan_id=plan_id)


async def _digest_and_reports(
    month: Month, *, today: date, plan_id: int | None
) -> tuple[Digest, list[LatestReport]]:
    period = await month_period(month, plan_id)
    plan_title = await Plan.filter(id=period.plan_id).first().values_list("title", flat=True)
    asked = await _asked(period.id)
    reports = await latest_in_period(period.id)
    latest = {(r.task_id, r.unit_id): r for r in reports}
    first_late = await _first_versions(period.id)
    previous = await ReportingPeriod.get_or_none(
        plan_id=period.plan_id, kind="month", key=previous_month(month).key
    )
    before = await _previous_statuses(previous.id) if previous else {}
    missed_before = {pair for pair, status in before.items() if status is None}
    found = await collectives()

    per_task: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for _, task_id, unit_id, name in asked:
        per_task[task_id].append((unit_id, name))
    task_rows: dict[int, tuple[str, str, date | None]] = {
        int(str(i)): (str(n), str(t), d)
        for i, n, t, d in await Task.filter(plan_id=period.plan_id).values_list(
            "id", "number", "title", "deadline"
        )
    }
    leads = await lead_units(list(per_task), period.plan_id)
    through = await answering(list(per_task), found, period.plan_id)
    known = {pair: Status(r.status) for pair, r in latest.items()}
    closed = await closed_task_ids(list(task_rows))  # 销号: done, and shown as closed
    done = await done_tasks(through, known) | closed
    extended = await extended_tasks(list(per_task))

    tasks = []
    for task_id, units in per_task.items():
        number, title, deadline = task_rows[task_id]
        statuses = [
            Status(latest[task_id, u].status) if (task_id, u) in latest else None for u, _ in units
        ]
        silent = [
            (u, name)
            for (u, name), s in zip(units, statuses, strict=True)
            if is_missing(u, s is not None, found)
        ]
        lead_ids = [u for u, _ in leads[task_id]]
        shown = next(
            (
                latest[task_id, u]
                for u in lead_ids + [u for u, _ in units]
                if (task_id, u) in latest
            ),
            None,
        )
        previous_statuses = {
            u: said for u, _ in units if (said := before.get((task_id, u))) is not None
        }
        status = task_status(task_id in done, statuses)
        tasks.append(
            TaskLine(
                number=number,
                title=title,
                lead=[n for _, n in leads[task_id]],
                light=task_light(
                    done=task_id in done,
                    status=status,
                    missing=bool(silent),
                    missed_twice=any((task_id, u) in missed_before for u, _ in silent),
                    deadline=deadline,
                    today=today,
                ),
                status=status,
                latest=shorten(shown.text, LATEST_CHARS) if shown else "",
                problems=shorten(shown.problems or "", LATEST_CHARS) if shown else "",
                previous=task_status(
                    task_done(through[task_id], previous_statuses), previous_statuses.values()
                )
                if previous_statuses
                else None,
                missing_units=[] if task_id in closed else [name for _, name in silent],
                closed=task_id in closed,
                extended_to=extended.get(task_id),
            )
        )

    late = overdue(await deadline_states(plan_id=period.plan_id, before=today, known=known), today)
    late_leads = await lead_units([s.task.id for s in late])
    late_tasks = [
        {
            "number": s.task.number,
            "title": s.task.title,
            "lead": "、".join(n for _, n in late_leads.get(s.task.id, [])),
            "deadline": s.task.deadline.isoformat() if s.task.deadline else None,
            "deadline_words": still_written(s.task.deadline_text, s.task.deadline),
        }
        for s in late
    ]
    unreachable = [
        f"#{c.id} {c.unit.name if c.unit else '—'} {c.display_name}".strip()
        for c in await Contact.filter(active=True, unreachable_at__not_isnull=True)
        .select_related("unit")
        .order_by("id")
    ]
    return Digest(
        plan_id=period.plan_id,
        plan_title=str(plan_title),
        period=month.key,
        due_on=period.due_on,
        # a closed task's (销号) silent units owe it nothing
        units=_unit_lines(
            [a for a in asked if a[1] not in closed or (a[1], a[2]) in latest], first_late, found
        ),
        tasks=tasks,
        overdue=late_tasks,
        unreachable=unreachable,
        closed=[number for t, (number, _, _) in task_rows.items() if t in closed],
    ), reports
