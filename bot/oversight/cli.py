"""``duban digest | export | status | overdue``: what the secretariat sees, on demand.

Each command calls the use case the chat calls (``/digest``, ``/export``, ``/status``,
``/overdue``), with the same meaning of "the period": the month named, else the latest
dispatched (:func:`bot.reporting.records.reporting_month`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from bot.domain.lights import Light
from bot.domain.messages import N_, msg
from bot.domain.plan import Role
from bot.domain.reporting import STATUS_PERCENT, Quarter, Status
from bot.domain.text import shorten
from bot.oversight.digest import Digest, build_digest
from bot.oversight.exports import FORMATS, export_month
from bot.oversight.publish import Published, post_digest
from bot.oversight.status import (
    Lights,
    Overdue,
    StatusAnswer,
    TaskStatus,
    UnitStatus,
    overdue,
    overdue_json,
    status_json,
)
from bot.oversight.status import status as status_of
from bot.render.digest import digest_text, digest_title
from bot.reporting.records import reporting_month
from bot.shell.options import AsJson, DispatchedMonth, PlanId
from bot.shell.runtime import Runtime, runtime
from bot.summaries.cycle import QuarterRow, quarter_rows
from bot.summaries.quarterly import (
    quarter_json,
    quarter_text,
    stored_quarter_period,
    write_materials,
)


def register(app: typer.Typer) -> None:
    """Attach ``digest``, ``export``, ``status`` and ``overdue``."""
    app.command("digest")(digest)
    app.command("export")(export)
    app.command("status")(status_command)
    app.command("overdue")(overdue_command)


def digest(
    ctx: typer.Context,
    period: DispatchedMonth = None,
    plan: PlanId = None,
    post: Annotated[bool, typer.Option("--post", help="Also send it to the secretariat")] = False,
    as_json: AsJson = False,
) -> None:
    """A month's digest (rate, lights, overdue, changes), or a quarter's (2026-Q4)."""
    rt = runtime(ctx)
    quarter = Quarter.parse(period or "")
    if quarter is not None:
        _quarter_digest(rt, quarter, plan, as_json=as_json)
        return
    zone = ZoneInfo(rt.settings.timezone)

    async def body() -> tuple[Digest, int]:
        async with rt.database():
            month = await reporting_month(period, plan)
            if post:
                stamp = rt.now().strftime("%Y%m%d%H%M%S")
                published: Published = await post_digest(
                    month,
                    now=rt.now(),
                    zone=zone,
                    data_dir=rt.settings.data_dir,
                    plan_id=plan,
                    tag=f"cli-{stamp}",
                )
                return published.digest, published.queued
            return await build_digest(month, today=rt.today(), plan_id=plan), 0

    found, queued = rt.run(body())
    if as_json:
        rt.json(found.to_json())
    else:
        rt.out.print(digest_title(rt.translator, found), markup=False, style="bold")
        rt.out.print(digest_text(rt.translator, found), markup=False, soft_wrap=True)
    if post:
        rt.err.print(
            rt.say(msg(N_("Queued for {count} secretariat chats and people."), count=queued)),
            markup=False,
        )


def _quarter_digest(rt: Runtime, quarter: Quarter, plan: int | None, *, as_json: bool) -> None:
    async def body() -> list[QuarterRow]:
        async with rt.database():
            _, found = await stored_quarter_period(quarter, plan)
            return await quarter_rows(found)

    rows = rt.run(body())
    if as_json:
        rt.json(quarter_json(quarter, rows))
        return
    rt.out.print(
        rt.translator.gettext("Quarterly digest {period}", period=quarter.key), style="bold"
    )
    rt.out.print(quarter_text(rt.translator, rows), markup=False, soft_wrap=True)


def export(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option(help="The file to write")],
    period: DispatchedMonth = None,
    fmt: Annotated[str, typer.Option("--format", help="xlsx | docx | png")] = "xlsx",
    plan: PlanId = None,
) -> None:
    """A month's filled table (xlsx), written material (docx) or chart (png); for a quarter
    (``--period 2026-Q4 --format docx``) the written material with the approved summaries."""
    rt = runtime(ctx)
    quarter = Quarter.parse(period or "")
    if quarter is not None and fmt != "docx":
        rt.fail(msg(N_("A quarter is exported as the written material: use --format docx.")))
    if fmt not in FORMATS:
        rt.fail(msg(N_("Unknown export format “{value}”: use xlsx, docx or png."), value=fmt))

    async def body() -> None:
        async with rt.database():
            if quarter is not None:
                await write_materials(quarter, out, locale=rt.translator.locale, plan_id=plan)
                return
            month = await reporting_month(period, plan)
            await export_month(
                month, fmt, out, today=rt.today(), zone=ZoneInfo(rt.settings.timezone),
                locale=rt.translator.locale, plan_id=plan,
            )  # fmt: skip

    try:
        rt.run(body())
    except OSError as exc:
        rt.unwritable(exc, out)
    rt.out.print(
        rt.say(msg(N_("Written to {path}."), path=str(out.resolve()))), markup=False, soft_wrap=True
    )


ROLE_HEADINGS = {
    Role.LEAD: N_("Lead"),
    Role.RESPONSIBLE: N_("Responsible"),
    Role.COOPERATING: N_("Cooperating"),
}
UNIT_PERIOD = N_(
    "A unit's tasks show their latest reports, whatever the month; leave out --period."
)


def _said(rt: Runtime, status: Status | None, percent: int | None = None) -> str:
    """``推进中 60%`` as the chat says it; ``未报送`` when nothing came in."""
    if status is None:
        return rt.translator.gettext("not reported")
    label = rt.translator.gettext(status.label)
    return f"{label} {percent}%" if percent is not None and status not in STATUS_PERCENT else label


def _print_task(rt: Runtime, answer: TaskStatus) -> None:
    task = answer.task
    table = Table(show_header=False)
    table.add_column()
    table.add_column()
    for label, value in (
        (N_("Light"), f"{task.light.symbol} {rt.translator.gettext(task.light.label)}"),
        (N_("Task"), f"{task.number}. {task.title}"),
        (N_("Lead unit"), "、".join(task.lead) or "—"),
        (N_("Status"), _said(rt, task.status)),
        (N_("Progress"), task.latest or "—"),
        (N_("not reported"), "、".join(task.missing_units) or "—"),
    ):
        table.add_row(rt.translator.gettext(label), value)
    rt.out.print(rt.translator.gettext("Status {period}", period=answer.period), style="bold")
    rt.out.print(table)


def _print_lights(rt: Runtime, answer: Lights) -> None:
    table = Table()
    for label in (N_("Light"), N_("Task"), N_("Lead unit"), N_("Status")):
        table.add_column(rt.translator.gettext(label))
    for t in answer.tasks:
        light = f"{t.light.symbol} {rt.translator.gettext(t.light.label)}"
        title = f"{t.number}. {shorten(t.title, 30)}"
        table.add_row(light, title, "、".join(t.lead) or "—", _said(rt, t.status))
    count = {light: sum(1 for t in answer.tasks if t.light is light) for light in Light}
    rt.out.print(rt.translator.gettext("Status {period}", period=answer.period), style="bold")
    rt.out.print(table)
    rt.out.print(
        rt.translator.gettext(
            "Lights: {red} red · {yellow} yellow · {green} green",
            red=count[Light.RED],
            yellow=count[Light.YELLOW],
            green=count[Light.GREEN],
        )
    )


def _print_unit(rt: Runtime, answer: UnitStatus) -> None:
    table = Table()
    for label in (N_("Task"), N_("Role"), N_("Deadline"), N_("Status"), N_("Submitted")):
        table.add_column(rt.translator.gettext(label))
    for u in answer.tasks:
        table.add_row(
            f"{u.number}. {shorten(u.title, 30)}",
            rt.translator.gettext(ROLE_HEADINGS[Role(u.role)]),
            u.deadline_as_written or "—",
            _said(rt, u.status, u.percent),
            rt.local(u.reported_at) if u.reported_at else "—",
        )
    title = rt.translator.gettext(
        "Tasks of {unit} ({count})", unit=answer.unit, count=len(answer.tasks)
    )
    rt.out.print(title, style="bold", markup=False)
    rt.out.print(table)


def status_command(
    ctx: typer.Context,
    query: Annotated[
        str | None, typer.Argument(help="A task number or a unit (default: every task)")
    ] = None,
    period: DispatchedMonth = None,
    plan: PlanId = None,
    as_json: AsJson = False,
) -> None:
    """The lights of the month's tasks, one task by number, or one unit's tasks."""
    rt = runtime(ctx)

    async def body() -> StatusAnswer:
        async with rt.database():
            return await status_of(query or "", today=rt.today(), period=period, plan_id=plan)

    answer = rt.run(body())
    if period is not None and isinstance(answer, UnitStatus):
        rt.fail(msg(UNIT_PERIOD))
    if as_json:
        rt.json(status_json(answer, rt.zone))
        return
    if isinstance(answer, Lights):
        _print_lights(rt, answer)
    elif isinstance(answer, TaskStatus):
        _print_task(rt, answer)
    else:
        _print_unit(rt, answer)


def overdue_command(
    ctx: typer.Context,
    period: DispatchedMonth = None,
    plan: PlanId = None,
    as_json: AsJson = False,
) -> None:
    """Tasks past their deadline, and units still not reported after the month's due day."""
    rt = runtime(ctx)

    async def body() -> Overdue:
        async with rt.database():
            return await overdue(today=rt.today(), period=period, plan_id=plan)

    found = rt.run(body())
    due = found.due_on.isoformat() if found.due_on else None
    if as_json:
        rt.json(overdue_json(found))
        return
    rt.out.print(rt.translator.gettext("Overdue ({period})", period=found.period), style="bold")
    if found.tasks:
        table = Table()
        for label in (N_("Task"), N_("Deadline"), N_("Lead unit")):
            table.add_column(rt.translator.gettext(label))
        for o in found.tasks:
            deadline = o.deadline_as_written or "—"
            table.add_row(f"{o.number}. {shorten(o.title, 30)}", deadline, o.lead or "—")
        rt.out.print(table)
    if found.late_units:
        late = rt.translator.gettext(
            "Not reported after the deadline {due}: {units}",
            due=due or "",
            units="、".join(found.late_units),
        )
        rt.out.print(late, markup=False, soft_wrap=True)
    if not found.tasks and not found.late_units:
        rt.out.print(rt.translator.gettext("Nothing is overdue."))
