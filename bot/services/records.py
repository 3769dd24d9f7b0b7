"""What was received for a period, as plain rows (``duban reports``, later the digest)."""

from __future__ import annotations

from typing import Any

from bot.domain.messages import N_, msg
from bot.domain.reporting import Month
from bot.services.errors import RefusedError
from bot.storage.models import ProgressReport, ReportingPeriod
from bot.storage.register import latest_plan


async def month_period(month: Month, plan_id: int | None = None) -> ReportingPeriod:
    """The stored month period of the plan; refused when it was never dispatched."""
    plan = await latest_plan(plan_id)
    if plan is None:
        raise RefusedError(msg(N_("No plan has been imported yet; run “duban import FILE” first.")))
    period = await ReportingPeriod.get_or_none(plan=plan, kind="month", key=month.key)
    if period is None:
        raise RefusedError(msg(N_("Nothing was dispatched for {period} yet."), period=month.key))
    return period


async def period_reports(
    period: ReportingPeriod, *, all_versions: bool = False
) -> list[dict[str, Any]]:
    """Each request's latest report (or every version), in plan order, as JSON-ready rows."""
    reports = (
        await ProgressReport.filter(request__period_id=period.id)
        .select_related("task", "unit", "contact")
        .prefetch_related("attachments")
        .order_by("task__position", "unit__name", "version")
    )
    if not all_versions:
        latest: dict[int, ProgressReport] = {}
        for report in reports:
            latest[report.request_id] = report
        reports = list(latest.values())
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
            "contact": r.contact.display_name or r.contact.identity if r.contact else None,
            "submitted_at": r.submitted_at.isoformat(),
            "version": r.version,
            "late": r.late,
        }
        for r in reports
    ]
