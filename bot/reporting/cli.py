"""``duban reports``: what units reported for a month, the latest version of each (or all)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from bot.domain.messages import N_, msg
from bot.domain.reporting import Status
from bot.domain.text import shorten
from bot.reporting.records import month_period, period_reports
from bot.shell.options import AsJson, CalendarMonth, PlanId, calendar_month
from bot.shell.runtime import runtime


def register(app: typer.Typer) -> None:
    """Attach ``reports``."""
    app.command("reports")(reports_command)


def reports_command(
    ctx: typer.Context,
    period: CalendarMonth = None,
    plan: PlanId = None,
    all_versions: Annotated[bool, typer.Option("--all-versions", help="Every version")] = False,
    as_json: AsJson = False,
) -> None:
    """What units reported for a month: the latest version of each report."""
    rt = runtime(ctx)
    month = calendar_month(rt, period)

    async def body() -> list[dict[str, Any]]:
        async with rt.database():
            found = await month_period(month, plan)
            return await period_reports(found, all_versions=all_versions)

    rows = rt.run(body())
    for row in rows:  # stored in UTC; shown as the deployment reads its clocks
        row["submitted_at"] = rt.iso(datetime.fromisoformat(row["submitted_at"]))
    if as_json:
        rt.json({"period": month.key, "reports": rows})
        return
    table = Table()
    for label in (
        N_("Task"),
        N_("Unit"),
        N_("Status"),
        N_("Progress"),
        N_("Version"),
        N_("Submitted"),
    ):
        table.add_column(rt.translator.gettext(label))
    for row in rows:
        status = rt.translator.gettext(Status(row["status"]).label)
        if row["percent"] is not None:
            status += f" {row['percent']}%"
        table.add_row(
            row["task"],
            row["unit"],
            status,
            shorten(row["text"], 60),
            str(row["version"]),
            rt.local(datetime.fromisoformat(row["submitted_at"])),
        )
    rt.out.print(table)
    rt.out.print(
        rt.say(msg(N_("{count} reports for {period}."), count=len(rows), period=month.key))
    )
