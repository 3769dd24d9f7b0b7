"""``duban plan fields PLAN``: whether the plan's reports ask 存在问题 and 下步打算 too."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.domain.messages import N_, msg
from bot.plans.fields import ReportFields, report_fields, set_report_fields
from bot.shell.options import AsJson
from bot.shell.runtime import Runtime, runtime
from bot.storage.models import Plan

_LINES = {
    (False, False): N_(
        "Plan {plan}: reports ask for the status and the narrative only (duban plan fields)."
    ),
    (True, False): N_("Plan {plan}: reports also ask for the problems met (存在问题)."),
    (False, True): N_("Plan {plan}: reports also ask for the next steps (下步打算)."),
    (True, True): N_(
        "Plan {plan}: reports also ask for the problems met (存在问题) and the next steps "
        "(下步打算)."
    ),
}


def fields_line(rt: Runtime, plan_id: int, fields: ReportFields) -> str:
    """Which optional fields the plan's reports ask for, as one sentence."""
    return rt.say(msg(_LINES[fields.problems, fields.next_steps], plan=plan_id))


def fields_json(fields: ReportFields) -> dict[str, bool]:
    """The setting in ``--json``."""
    return {"problems": fields.problems, "next_steps": fields.next_steps}


def fields_command(
    ctx: typer.Context,
    plan_id: Annotated[int, typer.Argument(metavar="PLAN", help="Plan id (see duban plan show)")],
    problems: Annotated[
        bool | None,
        typer.Option(
            "--problems/--no-problems", help="Ask for the problems met (存在问题), or stop asking"
        ),
    ] = None,
    next_steps: Annotated[
        bool | None,
        typer.Option(
            "--next-steps/--no-next-steps", help="Ask for the next steps (下步打算), or stop asking"
        ),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Whether the plan's reports also ask 存在问题 and 下步打算 (each skippable with 无)."""
    rt = runtime(ctx)

    async def body() -> ReportFields:
        async with rt.database():
            if problems is None and next_steps is None:
                if not await Plan.exists(id=plan_id, retired_at=None):
                    rt.fail(msg(N_("There is no current plan {plan}."), plan=plan_id))
                return await report_fields(plan_id)
            return await set_report_fields(
                plan_id, problems=problems, next_steps=next_steps, actor="cli"
            )

    fields = rt.run(body())
    if as_json:
        rt.json({"plan": plan_id, **fields_json(fields)})
        return
    rt.out.print(fields_line(rt, plan_id, fields), markup=False)
