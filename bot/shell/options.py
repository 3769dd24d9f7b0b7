"""Options many ``duban`` commands share, declared once: ``--json``, ``--plan``, ``--period``."""

from __future__ import annotations

from typing import Annotated

import typer

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
