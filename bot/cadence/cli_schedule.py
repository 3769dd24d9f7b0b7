"""``duban schedule show | set``: a plan's cadence as a table of its next dates, and changes to it.

``duban calendar`` (the working days the dates are counted in) lives in
:mod:`bot.cadence.cli_calendar` and is attached here, beside the schedule.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from bot.cadence.calendar import workday_overrides
from bot.cadence.cli_calendar import calendar_app
from bot.domain.cadence import (
    ADMIN,
    PLAN,
    Cadence,
    CadenceError,
    MonthSchedule,
    check,
    month_schedule,
    natural_next_month,
    next_month,
    origin_of,
    quarter_due_date,
    quote_of,
    stored,
)
from bot.domain.cadence_text import (
    WEEKDAYS,
    dispatch_rule,
    due_rule,
    follow_up_rule,
    stated_rule,
)
from bot.domain.messages import N_, msg
from bot.domain.reporting import Month
from bot.domain.workdays import calendar_knows
from bot.plans.selection import plan_for
from bot.shell.options import AsJson, PlanId
from bot.shell.runtime import Runtime, runtime
from bot.storage.models import AuditLog, Plan

MONTHS_SHOWN = 3  # this month and the next two

schedule_app = typer.Typer(
    help="Show or change the monthly cadence of a plan.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Attach the ``schedule`` and ``calendar`` groups."""
    app.add_typer(schedule_app, name="schedule")
    app.add_typer(calendar_app, name="calendar")


async def _plan(rt: Runtime, plan_id: int | None) -> Plan:
    plan = await plan_for(plan_id)
    if plan is None:
        rt.fail(msg(N_("No plan has been imported yet; run “duban import FILE” first.")))
    return plan


def _months(rt: Runtime, cadence: Cadence, overrides: dict[date, bool]) -> list[MonthSchedule]:
    month, rows = Month.of(rt.today()), []
    for _ in range(MONTHS_SHOWN):
        rows.append(month_schedule(month, cadence, rt.zone, overrides))
        month = next_month(month)
    return rows


def _month_json(
    rt: Runtime, s: MonthSchedule, cadence: Cadence, overrides: dict[date, bool]
) -> dict[str, Any]:
    quarter_due = quarter_due_date(s.month, cadence, overrides)
    return {
        "month": s.month.key,
        "dispatch": rt.iso(s.dispatch_at),
        "reminders": [rt.iso(r) for r in s.reminders],
        "due": s.due_on.isoformat(),
        "escalation": rt.iso(s.escalate_at),
        "digest": rt.iso(s.digest_at),
        "quarter_end": s.quarter_end,
        "quarter_due": quarter_due.isoformat() if quarter_due else None,
    }


def _day(rt: Runtime, day: date) -> str:
    """``11-25 周三``: the year is the row's (or, in January, the next)."""
    return f"{day:%m-%d} {rt.translator.gettext(WEEKDAYS[day.weekday()])}"


def _clock(rt: Runtime, at: datetime) -> str:
    """``09:00`` in the deployment's zone."""
    return rt.local(at)[-5:]


def _local_day(rt: Runtime, at: datetime) -> str:
    return _day(rt, at.astimezone(rt.zone).date())


def _rules(rt: Runtime, cadence: Cadence, stored_json: dict[str, Any]) -> list[str]:
    """The settings as sentences: how the dates are found, then the follow-up."""
    rule = due_rule(cadence)
    if rule is None:
        first = rt.say(dispatch_rule(cadence))
    else:
        quote = quote_of(stored_json) if origin_of(stored_json) == PLAN else None
        first = rt.say(stated_rule(cadence, rt.say(rule), quote))
    return [first, rt.say(follow_up_rule(cadence))]


def schedule_table(rt: Runtime, rows: list[MonthSchedule]) -> Table:
    """The next months' dates, local, with weekday names in the operator's language.

    Each job runs at one time of day, so the time stands in the column's header and the cells
    hold only dates: the table fits an 80-column terminal.
    """
    table = Table()
    first = rows[0] if rows else None
    headers = (
        (N_("Month"), ""),
        (N_("Dispatch"), first and _clock(rt, first.dispatch_at)),
        (N_("Reminders"), first and first.reminders and _clock(rt, first.reminders[0])),
        (N_("Due"), ""),
        (N_("Escalation"), first and _clock(rt, first.escalate_at)),
        (N_("Digest"), first and _clock(rt, first.digest_at)),
    )
    for label, clock in headers:
        header = rt.translator.gettext(label) + (f" {clock}" if clock else "")
        table.add_column(header, no_wrap=True)
    for s in rows:
        quarter = "\n" + rt.translator.gettext(N_("quarter end")) if s.quarter_end else ""
        table.add_row(
            s.month.key + quarter,
            _local_day(rt, s.dispatch_at),
            "\n".join(_local_day(rt, r) for r in s.reminders),
            _day(rt, s.due_on),
            _local_day(rt, s.escalate_at),
            _local_day(rt, s.digest_at),
        )
    return table


@schedule_app.command("show")
def show(
    ctx: typer.Context,
    plan: PlanId = None,
    as_json: AsJson = False,
) -> None:
    """The settings and the next dates of each job (this month and the next two)."""
    rt = runtime(ctx)

    async def body() -> tuple[Plan, dict[date, bool]]:
        async with rt.database():
            return await _plan(rt, plan), await workday_overrides()

    found, overrides = rt.run(body())
    cadence = Cadence.from_json(found.cadence)
    rows = _months(rt, cadence, overrides)
    if as_json:
        payload = {
            "plan": found.id,
            "settings": cadence.to_json(),
            "source": {"origin": origin_of(found.cadence), "quote": quote_of(found.cadence)},
            "timezone": rt.settings.timezone,
            "months": [_month_json(rt, s, cadence, overrides) for s in rows],
        }
        rt.json(payload)
        return
    rt.out.print(f"{found.title} · {rt.settings.timezone}", markup=False, soft_wrap=True)
    for line in _rules(rt, cadence, found.cadence):
        rt.out.print(line, markup=False, soft_wrap=True)
    rt.out.print(schedule_table(rt, rows))
    for year in sorted({rt.today().year, rt.today().year + 1}):
        if not calendar_knows(year):
            warning = msg(
                N_(
                    "No official holidays are known for {year}: Monday to Friday count as "
                    "working days until they are entered with “duban calendar”."
                ),
                year=year,
            )
            rt.err.print("⚠ " + rt.say(warning), markup=False, soft_wrap=True)


def _changes(
    rt: Runtime,
    options: dict[str, Any],
    remind: str | None,
    due_day: int | None,
    due_next_month: bool | None,
) -> dict[str, Any]:
    """The settings the options change; a dispatch day and a due day exclude each other."""
    changes = {k: v for k, v in options.items() if v is not None}
    if due_day is not None and "dispatch_day" in changes:
        rt.fail(msg(N_("Give either --dispatch-day or --due-day, not both.")))
    if due_day is not None:
        changes["due_day"] = due_day
        changes["due_next_month"] = (
            natural_next_month(due_day) if due_next_month is None else due_next_month
        )
    elif due_next_month is not None:
        changes["due_next_month"] = due_next_month
    if "dispatch_day" in changes:
        changes["due_day"] = None  # back to the dispatch-day cadence
    if remind is not None:
        try:
            changes["remind_before"] = tuple(
                int(p) for p in remind.replace("，", ",").split(",") if p.strip()
            )
        except ValueError:
            rt.fail(
                msg(
                    N_("--remind takes working days before the due day, e.g. 2,0; not {value}."),
                    value=remind,
                )
            )
    return changes


@schedule_app.command("set")
def set_command(  # noqa: PLR0917 - typer passes every option by keyword
    ctx: typer.Context,
    plan: PlanId = None,
    due_day: Annotated[
        int | None,
        typer.Option(help="Reports due by this day of the month (31: its end); 每月N日前"),
    ] = None,
    due_next_month: Annotated[
        bool | None,
        typer.Option(
            "--due-next-month/--due-this-month",
            help="The due day falls in the following month (default: for days 1 to 10)",
        ),
    ] = None,
    dispatch_lead: Annotated[
        int | None, typer.Option(help="With a due day: dispatch this many working days before")
    ] = None,
    dispatch_day: Annotated[
        int | None,
        typer.Option(help="Instead of a due day: dispatch on the first working day from this day"),
    ] = None,
    due_workdays: Annotated[
        int | None, typer.Option(help="With a dispatch day: working days from dispatch to due")
    ] = None,
    remind: Annotated[
        str | None, typer.Option(help="Working days before due to remind, e.g. 2,0")
    ] = None,
    escalate_after: Annotated[
        int | None, typer.Option(help="Working days after due to escalate")
    ] = None,
    dispatch_time: Annotated[str | None, typer.Option(help="HH:MM")] = None,
    remind_time: Annotated[str | None, typer.Option(help="HH:MM")] = None,
    escalate_time: Annotated[str | None, typer.Option(help="HH:MM")] = None,
) -> None:
    """Change a plan's cadence; unspecified settings keep their values."""
    rt = runtime(ctx)
    options = {
        "dispatch_day": dispatch_day,
        "due_workdays": due_workdays,
        "dispatch_lead_workdays": dispatch_lead,
        "escalate_after": escalate_after,
        "dispatch_time": dispatch_time,
        "remind_time": remind_time,
        "escalate_time": escalate_time,
    }
    changes = _changes(rt, options, remind, due_day, due_next_month)

    async def body() -> tuple[Cadence, dict[str, Any]]:
        async with rt.database():
            found = await _plan(rt, plan)
            try:
                cadence = check(replace(Cadence.from_json(found.cadence), **changes))
            except CadenceError as exc:
                rt.fail(exc.message)
            found.cadence = stored(cadence, ADMIN)
            await found.save(update_fields=["cadence", "updated_at"])
            await AuditLog.create(
                actor="cli", action="schedule.set", subject=str(found.id), detail=found.cadence
            )
            return cadence, found.cadence

    cadence, saved = rt.run(body())
    rt.tell(msg(N_("Schedule saved.")))
    for line in _rules(rt, cadence, saved):
        rt.out.print(line, markup=False, soft_wrap=True)
