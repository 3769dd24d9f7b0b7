"""``duban schedule show | set`` and ``duban calendar add | import | list``."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from bot.commands.runtime import Runtime, runtime
from bot.domain.cadence import Cadence, CadenceError, check, month_schedule, next_month
from bot.domain.messages import N_, msg
from bot.domain.reporting import Month
from bot.domain.workdays import calendar_knows
from bot.services.calendar import list_days, parse_day, parse_kind, read_days, set_days
from bot.services.dispatch import workday_overrides
from bot.services.errors import RefusedError
from bot.storage.models import AuditLog, Plan
from bot.storage.register import latest_plan

schedule_app = typer.Typer(
    help="Show or change the monthly cadence of a plan.", no_args_is_help=True
)
calendar_app = typer.Typer(
    help="Holidays and make-up working days (节假日/调休).", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Attach the ``schedule`` and ``calendar`` groups."""
    app.add_typer(schedule_app, name="schedule")
    app.add_typer(calendar_app, name="calendar")


async def _plan(rt: Runtime, plan_id: int | None) -> Plan:
    plan = await latest_plan(plan_id)
    if plan is None:
        rt.fail(msg(N_("No plan has been imported yet; run “duban import FILE” first.")))
    return plan


def _months(rt: Runtime, cadence: Cadence, overrides: dict[date, bool]) -> list[dict[str, Any]]:
    zone = ZoneInfo(rt.settings.timezone)
    month = Month.of(rt.today())
    rows = []
    for _ in range(3):
        s = month_schedule(month, cadence, zone, overrides)
        rows.append(
            {
                "month": month.key,
                "dispatch": s.dispatch_at.isoformat(),
                "due": s.due_on.isoformat(),
                "reminders": [r.isoformat() for r in s.reminders],
                "escalation": s.escalate_at.isoformat(),
                "quarter_end": s.quarter_end,
            }
        )
        month = next_month(month)
    return rows


@schedule_app.command("show")
def show(
    ctx: typer.Context,
    plan: Annotated[int | None, typer.Option(help="The plan id (default: the latest)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
) -> None:
    """The settings and the next dates of each job (this month and the next two)."""
    rt = runtime(ctx)

    async def body() -> tuple[Plan, list[dict[str, Any]]]:
        async with rt.database():
            found = await _plan(rt, plan)
            return found, _months(rt, Cadence.from_json(found.cadence), await workday_overrides())

    found, months = rt.run(body())
    cadence = Cadence.from_json(found.cadence)
    if as_json:
        payload = {
            "plan": found.id,
            "settings": cadence.to_json(),
            "timezone": rt.settings.timezone,
            "months": months,
        }
        rt.out.print_json(json.dumps(payload, ensure_ascii=False))
        return
    rt.out.print(
        f"{found.title} · {rt.settings.timezone} · {json.dumps(cadence.to_json())}",
        markup=False,
        soft_wrap=True,
    )
    table = Table()
    for label in (N_("Month"), N_("Dispatch"), N_("Due"), N_("Reminders"), N_("Escalation")):
        table.add_column(rt.translator.gettext(label))
    for row in months:
        table.add_row(
            row["month"] + (" Q" if row["quarter_end"] else ""),
            row["dispatch"][:16].replace("T", " "),
            row["due"],
            ", ".join(r[:16].replace("T", " ") for r in row["reminders"]),
            row["escalation"][:16].replace("T", " "),
        )
    rt.out.print(table)
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


@schedule_app.command("set")
def set_command(  # noqa: PLR0917 - typer passes every option by keyword
    ctx: typer.Context,
    plan: Annotated[int | None, typer.Option(help="The plan id (default: the latest)")] = None,
    dispatch_day: Annotated[
        int | None, typer.Option(help="Dispatch on the first working day from this day")
    ] = None,
    due_workdays: Annotated[
        int | None, typer.Option(help="Working days from dispatch to due")
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
    changes: dict[str, Any] = {
        k: v
        for k, v in {
            "dispatch_day": dispatch_day,
            "due_workdays": due_workdays,
            "escalate_after": escalate_after,
            "dispatch_time": dispatch_time,
            "remind_time": remind_time,
            "escalate_time": escalate_time,
        }.items()
        if v is not None
    }
    if remind is not None:
        try:
            changes["remind_before"] = tuple(
                int(p) for p in remind.replace("，", ",").split(",") if p.strip()
            )
        except ValueError:
            rt.fail(msg(N_("Invalid schedule setting: {name}."), name="remind"))

    async def body() -> Cadence:
        async with rt.database():
            found = await _plan(rt, plan)
            try:
                cadence = check(replace(Cadence.from_json(found.cadence), **changes))
            except CadenceError as exc:
                rt.fail(msg(N_("Invalid schedule setting: {name}."), name=str(exc)))
            found.cadence = cadence.to_json()
            await found.save(update_fields=["cadence", "updated_at"])
            await AuditLog.create(
                actor="cli", action="schedule.set", subject=str(found.id), detail=cadence.to_json()
            )
            return cadence

    cadence = rt.run(body())
    rt.out.print(
        rt.say(msg(N_("Schedule saved: {settings}"), settings=json.dumps(cadence.to_json()))),
        markup=False,
        soft_wrap=True,
    )


@calendar_app.command("add")
def add(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(help="YYYY-MM-DD")],
    kind: Annotated[str, typer.Argument(help="holiday (休) or workday (班)")],
    note: Annotated[str, typer.Option(help="e.g. 元旦")] = "",
) -> None:
    """Enter one holiday or make-up working day."""
    rt = runtime(ctx)
    try:
        entry = (parse_day(day), parse_kind(kind), note)
    except RefusedError as refused:
        rt.fail(refused.message)

    async def body() -> int:
        async with rt.database():
            return await set_days([entry], actor="cli")

    rt.run(body())
    rt.out.print(rt.say(msg(N_("{count} calendar days saved."), count=1)))


@calendar_app.command("import")
def import_days(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV: date,kind[,note] per line")],
) -> None:
    """Enter a year's holidays and make-up days from a CSV file, all or nothing."""
    rt = runtime(ctx)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        rt.fail(msg(N_("The file cannot be read: {reason}"), reason=str(exc)))
    try:
        days = read_days(text)
    except RefusedError as refused:
        rt.fail(refused.message)

    async def body() -> int:
        async with rt.database():
            return await set_days(days, actor="cli")

    count = rt.run(body())
    rt.out.print(rt.say(msg(N_("{count} calendar days saved."), count=count)))


@calendar_app.command("list")
def list_command(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option(help="Only this year")] = None,
) -> None:
    """The days entered by an admin."""
    rt = runtime(ctx)

    async def body() -> list[tuple[str, str, str]]:
        async with rt.database():
            return [(d.day.isoformat(), d.kind, d.note) for d in await list_days(year)]

    for day, kind, note in rt.run(body()):
        rt.out.print(f"{day}  {kind:8}  {note}", markup=False)
