"""Options many ``duban`` commands share, declared once: ``--json``, ``--plan``, ``--period``.

``--plan`` takes what a person would type (the number, the short name, a piece of the title)
and hands the command the plan's id, so every command taking it reads names alike.
"""

from __future__ import annotations

from typing import Annotated

import typer

from bot.domain.messages import N_, Message, msg
from bot.domain.plan_choice import PlanRef, choose_plan
from bot.domain.reporting import Month
from bot.shell.runtime import Runtime, runtime
from bot.storage.models import Plan

AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON object")]


async def _plans() -> list[PlanRef]:
    rows = (
        await Plan.filter(retired_at=None).order_by("id").values_list("id", "short_name", "title")
    )
    return [PlanRef(i, s or str(i), t) for i, s, t in rows]


def _plan_option(ctx: typer.Context, value: str | None) -> int | None:
    """``--plan`` as typed, read as a plan's id (a number is taken as it is)."""
    if value is None or value.strip().isdigit():
        return None if value is None else int(value)
    rt = runtime(ctx)

    async def look() -> list[PlanRef]:
        async with rt.database():
            return await _plans()

    plans = rt.run(look())
    found = choose_plan(value, plans)
    if len(found) != 1:
        rt.fail(_not_one(value, found, plans))
    return found[0].id


def _not_one(typed: str, found: list[PlanRef], plans: list[PlanRef]) -> Message:
    listed = "；".join(p.label() for p in found or plans)
    if found:
        return msg(
            N_("“{typed}” may be any of {count} plans: {plans}. Name one by its number."),
            typed=typed[:40],
            count=len(found),
            plans=listed,
        )
    if not plans:
        return msg(N_("No plan has been imported yet; run “duban import FILE” first."))
    return msg(
        N_("There is no plan “{typed}”; the plans: {plans}."), typed=typed[:40], plans=listed
    )


PlanId = Annotated[
    int | None,
    typer.Option(
        "--plan",
        parser=str,
        callback=_plan_option,
        help="The plan: its number, short name or a piece of its title (needed when several "
        "plans are active)",
    ),
]
# the period as /digest means it: the month named, else the latest dispatched
DispatchedMonth = Annotated[
    str | None,
    typer.Option("--period", help="The month, YYYY-MM (default: the latest dispatched)"),
]
CalendarMonth = Annotated[
    str | None, typer.Option("--period", help="The month, YYYY-MM (default: this month)")
]


def calendar_month(rt: Runtime, period: str | None) -> Month:
    """A ``--period`` given as YYYY-MM, this month when absent; one sentence when malformed."""
    if period is None:
        return Month.of(rt.today())
    month = Month.parse(period)
    if month is None:
        rt.fail(
            msg(N_("“{value}” is not a month; write it as YYYY-MM, e.g. 2026-11."), value=period)
        )
    return month
