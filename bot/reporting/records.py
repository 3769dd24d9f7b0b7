"""What was received for a period, as plain rows (``duban reports``, later the digest)."""

from __future__ import annotations

from typing import Any

from tortoise.queryset import QuerySet

from bot.domain.errors import RefusedError
from bot.domain.messages import N_, msg
from bot.domain.reporting import Month
from bot.people.binding import contact_name
from bot.plans.selection import plan_for
from bot.reporting.latest import latest_in_period
from bot.storage.models import Plan, ProgressReport, ReportingPeriod


async def latest_period(plan: Plan) -> ReportingPeriod | None:
    """The plan's most recent dispatched month."""
    return (
        await ReportingPeriod.filter(plan=plan, kind="month", due_on__not_isnull=True)
        .order_by("-starts")
        .first()
    )


async def reporting_month(given: str | None = None, plan_id: int | None = None) -> Month:
    """The month a digest, a status or an export is about, the same in chat and on the CLI.

    The month named (``2026-11``), or else the plan's latest dispatched month: the one whose
    reports are coming in, which early in a month is still the previous calendar month.
    """
    if given:
        month = Month.parse(given)
        if month is None:
            raise RefusedError(
                msg(
                    N_("“{value}” is not a month; write it as YYYY-MM, e.g. 2026-11."),
                    value=given[:20],
                )
            )
        return month
    plan = await plan_for(plan_id)
    period = await latest_period(plan) if plan else None
    if period is None:
        raise RefusedError(msg(N_("Nothing has been dispatched yet.")))
    month = Month.parse(period.key)
    assert month is not None
    return month


async def month_period(month: Month, plan_id: int | None = None) -> ReportingPeriod:
    """The stored month period of the plan; refused when it was never dispatched."""
    plan = await plan_for(plan_id)
    if plan is None:
        raise RefusedError(msg(N_("No plan has been imported yet; run “duban import FILE” first.")))
    period = await ReportingPeriod.get_or_none(plan=plan, kind="month", key=month.key)
    if period is None:
        raise RefusedError(msg(N_("Nothing was dispatched for {period} yet."), period=month.key))
    return period


ID_BATCH = 5000  # ids per IN (…): well under SQLite's and asyncpg's bound on parameters


async def _with_details(query: QuerySet[ProgressReport]) -> list[ProgressReport]:
    """The reports with their task, unit, contact and files, in plan order."""
    return list(
        await query.select_related("task", "unit", "contact")
        .prefetch_related("attachments")
        .order_by("task__position", "unit__name", "version")
    )


async def period_reports(
    period: ReportingPeriod, *, all_versions: bool = False
) -> list[dict[str, Any]]:
    """Each request's latest report (or every version), in plan order, as JSON-ready rows."""
    if all_versions:
        reports = await _with_details(ProgressReport.filter(request__period_id=period.id))
    else:
        ids = [r.id for r in await latest_in_period(period.id)]  # in plan order
        found: dict[int, ProgressReport] = {}
        for start in range(0, len(ids), ID_BATCH):
            batch = ProgressReport.filter(id__in=ids[start : start + ID_BATCH])
            found.update((r.id, r) for r in await _with_details(batch))
        reports = [found[i] for i in ids]
    return [
        {
            "task": r.task.number,
            "unit": r.unit.name,
            "status": r.status,
            "percent": r.percent,
            "text": r.text,
            "attachments": [
                {"name": a.original_name, "path": a.path, "sha256": a.sha256, "size": a.size}
                for a in r.attachments
            ],
            "contact": contact_name(r.contact) if r.contact else None,
            "submitted_at": r.submitted_at.isoformat(),
            "version": r.version,
            "late": r.late,
        }
        for r in reports
    ]
