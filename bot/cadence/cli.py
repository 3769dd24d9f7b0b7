"""``duban dispatch | reports``: the monthly cycle by hand; the scheduler calls the same."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from bot.cadence.dispatch import DispatchOutcome, dispatch
from bot.domain.messages import N_, msg
from bot.domain.reporting import Month, Status
from bot.domain.text import shorten
from bot.reporting.records import month_period, period_reports
from bot.shell.options import AsJson, CalendarMonth, PlanId
from bot.shell.runtime import Runtime, runtime


def register(app: typer.Typer) -> None:
    """Attach these commands to the ``duban`` app."""
    app.command("dispatch")(dispatch_command)
    app.command("reports")(reports_command)


def month_option(rt: Runtime, period: str | None) -> Month:
    if period is None:
        return Month.of(rt.today())
    month = Month.parse(period)
    if month is None:
        rt.fail(
            msg(N_("“{value}” is not a month; write it as YYYY-MM, e.g. 2026-11."), value=period)
        )
    return month


def dispatch_command(
    ctx: typer.Context,
    period: CalendarMonth = None,
    plan: PlanId = None,
    due: Annotated[
        str | None, typer.Option(help="Due date YYYY-MM-DD (default: 5 working days)")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Create the month's report requests and queue each unit's prompt (月调度)."""
    rt = runtime(ctx)
    month = month_option(rt, period)
    due_on = None
    if due is not None:
        try:
            due_on = date.fromisoformat(due)
        except ValueError:
            rt.fail(msg(N_("“{value}” is not a date; write it as YYYY-MM-DD."), value=due))

    async def body() -> DispatchOutcome:
        async with rt.database():
            return await dispatch(
                month, now=rt.now(), today=rt.today(), plan_id=plan, due_on=due_on
            )

    outcome = rt.run(body())
    if as_json:
        rt.json(
            {
                "period": outcome.period,
                "plan": outcome.plan_id,
                "due_on": outcome.due_on.isoformat(),
                "requests": outcome.requests,
                "new_requests": outcome.new_requests,
                "units": outcome.units,
                "prompts_queued": outcome.prompts,
                "closed": outcome.closed,
                "units_without_contact": outcome.units_without_contact,
            }
        )
        return
    rt.tell(
        msg(
            N_(
                "{period}: {requests} requests to {units} units ({new} new), due {due}; "
                "{prompts} prompts queued."
            ),
            period=outcome.period,
            requests=outcome.requests,
            units=outcome.units,
            new=outcome.new_requests,
            due=outcome.due_on.isoformat(),
            prompts=outcome.prompts,
        )
    )
    if outcome.units_without_contact:
        rt.err.print(
            "⚠ "
            + rt.say(
                msg(
                    N_("{count} units have no bound reporter and were not prompted: {units}"),
                    count=len(outcome.units_without_contact),
                    units="、".join(outcome.units_without_contact),
                )
            ),
            markup=False,
            soft_wrap=True,
        )


def reports_command(
    ctx: typer.Context,
    period: CalendarMonth = None,
    plan: PlanId = None,
    all_versions: Annotated[bool, typer.Option("--all-versions", help="Every version")] = False,
    as_json: AsJson = False,
) -> None:
    """What units reported for a month: the latest version of each report."""
    rt = runtime(ctx)
    month = month_option(rt, period)

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
