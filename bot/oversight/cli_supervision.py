"""``duban supervise [--dry-run] | supervise list`` and ``duban rankings``: graded 督办 on the
command line, through the use cases the scheduler (``supervise`` job) and the chat
(``/supervision``, 回复整改措施) call."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from bot.domain.messages import N_, msg
from bot.domain.supervision import REASON_LABELS
from bot.domain.text import shorten
from bot.oversight.notices import NoticeView, list_notices, notice_lines
from bot.oversight.rankings import UnitRank, ranking_lines, unit_rankings
from bot.oversight.supervision import SupervisionReport, SupervisionRules, run_supervision
from bot.shell.options import AsJson, PlanId
from bot.shell.runtime import runtime

supervise_app = typer.Typer(help="Graded supervision (督办单): issue notices, list replies.")


def register(app: typer.Typer) -> None:
    """Attach ``supervise`` (with ``list``) and ``rankings``."""
    app.add_typer(supervise_app, name="supervise")
    app.command("rankings")(rankings)


@supervise_app.callback(invoke_without_command=True)
def supervise(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List the yellow and red items; issue nothing")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Issue a numbered 督办单 for each yellow or red item not yet given one at its grade."""
    if ctx.invoked_subcommand is not None:
        return
    rt = runtime(ctx)
    rules = SupervisionRules.of(rt.settings)
    zone = ZoneInfo(rt.settings.timezone)

    async def body() -> SupervisionReport:
        async with rt.database():
            return await run_supervision(
                rt.now(), zone, rt.settings.data_dir, rules, dry_run=dry_run
            )

    report = rt.run(body())
    tr = rt.translator
    if as_json:
        items = [
            {"plan": i.plan_id, "period": i.period, "task": i.number, "unit": i.unit,
             "grade": i.graded.grade.value, "reasons": [r.value for r in i.graded.reasons]}
            for i in report.items
        ]  # fmt: skip
        rt.json({"items": items, "issued": report.issued, "queued": report.queued})
        return
    if report.items:
        table = Table()
        for label in (N_("Task"), N_("Unit"), N_("Grade"), N_("Why")):
            table.add_column(tr.gettext(label))
        for i in report.items:
            reasons = "、".join(tr.gettext(REASON_LABELS[r]) for r in i.graded.reasons)
            grade = tr.gettext(i.graded.grade.label)
            table.add_row(f"{i.number}. {shorten(i.title, 30)}", i.unit, grade, reasons)
        rt.out.print(table)
    else:
        rt.tell(msg(N_("No item needs a supervision notice.")))
    if not dry_run:
        rt.tell(
            msg(
                N_("{count} supervision notices issued, {queued} messages queued."),
                count=len(report.issued),
                queued=report.queued,
            )
        )


@supervise_app.command("list")
def list_command(ctx: typer.Context, plan: PlanId = None, as_json: AsJson = False) -> None:
    """Every 督办单, newest first, with the unit's reply or the date it is due."""
    rt = runtime(ctx)

    async def body() -> list[NoticeView]:
        async with rt.database():
            return await list_notices(plan_id=plan)

    views = rt.run(body())
    if as_json:
        rt.json([v.to_json() for v in views])
    elif not views:
        rt.tell(msg(N_("No supervision notices have been issued.")))
    else:
        for line in notice_lines(rt.translator, views):
            rt.out.print(line, markup=False, soft_wrap=True)


def rankings(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option(help="The year (default: this year)")] = None,
    plan: PlanId = None,
    as_json: AsJson = False,
) -> None:
    """通报排名: units by the share of their reports on time (only when DUBAN_RANKINGS is on)."""
    rt = runtime(ctx)
    if not rt.settings.rankings:
        rt.fail(msg(N_("Rankings are off; set DUBAN_RANKINGS=true to publish them.")))

    async def body() -> list[UnitRank]:
        async with rt.database():
            return await unit_rankings(year or rt.today().year, plan_id=plan)

    ranks = rt.run(body())
    if as_json:
        rt.json([r.to_json() for r in ranks])
    elif not ranks:
        rt.tell(msg(N_("Nothing has been asked this year.")))
    else:
        for line in ranking_lines(rt.translator, ranks):
            rt.out.print(line, markup=False)
