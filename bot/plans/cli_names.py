"""``duban plan list`` and ``duban plan rename PLAN NAME``: the plans and how people name them."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.domain.messages import N_, msg
from bot.domain.plan_choice import PlanRef
from bot.plans.selection import active_plans, rename_plan
from bot.shell.options import AsJson
from bot.shell.runtime import runtime


def list_command(ctx: typer.Context, as_json: AsJson = False) -> None:
    """The active plans: number, short name and title (name one with --plan)."""
    rt = runtime(ctx)

    async def body() -> list[PlanRef]:
        async with rt.database():
            return await active_plans()

    plans = rt.run(body())
    if as_json:
        rt.json(
            {"plans": [{"id": p.id, "short_name": p.short_name, "title": p.title} for p in plans]}
        )
        return
    if not plans:
        rt.tell(msg(N_("No plan has been imported yet; run “duban import FILE” first.")))
    for plan in plans:
        rt.out.print(f"{plan.id}  {plan.short_name}  {plan.title}", markup=False, highlight=False)


def rename_command(
    ctx: typer.Context,
    plan: Annotated[str, typer.Argument(help="The plan: its number, short name or title words")],
    name: Annotated[str, typer.Argument(help="Its new short name, e.g. 教育")],
) -> None:
    """Give a plan the short name people call it by (used by --plan and in chat)."""
    rt = runtime(ctx)

    async def body() -> PlanRef:
        async with rt.database():
            return await rename_plan(plan, name)

    found = rt.run(body())
    rt.tell(
        msg(
            N_("Plan {plan} is now called “{name}”: {title}."),
            plan=found.id,
            name=found.short_name,
            title=found.title,
        )
    )
