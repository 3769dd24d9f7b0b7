"""Options many ``duban`` commands share, declared once: ``--json``, ``--plan``, ``--period``."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.domain.messages import N_, msg
from bot.domain.reporting import Month
from bot.shell.runtime import Runtime

AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON object")]
PlanId = Annotated[int | None, typer.Option("--plan", help="The plan id (default: the latest)")]
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
