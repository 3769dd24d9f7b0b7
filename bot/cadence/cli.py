"""``duban dispatch | remind | escalate``: the monthly cycle by hand, as the scheduler runs it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated

import typer

from bot.cadence.dispatch import DispatchOutcome, dispatch, dispatch_month, several_plans
from bot.cadence.jobs import JobReport, nudge, run_escalation
from bot.domain.messages import N_, msg
from bot.shell.options import AsJson, CalendarMonth, PlanId, calendar_month
from bot.shell.runtime import Runtime, runtime


def register(app: typer.Typer) -> None:
    """Attach these commands to the ``duban`` app."""
    app.command("dispatch")(dispatch_command)
    app.command("remind")(remind)
    app.command("escalate")(escalate)


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
    month = calendar_month(rt, period)
    due_on = None
    if due is not None:
        try:
            due_on = date.fromisoformat(due)
        except ValueError:
            rt.fail(msg(N_("“{value}” is not a date; write it as YYYY-MM-DD."), value=due))

    async def body() -> list[DispatchOutcome]:
        async with rt.database():
            if plan is None and await several_plans():  # one prompt a person for all
                return await dispatch_month(month, now=rt.now(), today=rt.today(), due_on=due_on)
            return [
                await dispatch(month, now=rt.now(), today=rt.today(), plan_id=plan, due_on=due_on)
            ]

    outcomes = rt.run(body())
    if as_json and len(outcomes) > 1:
        rt.json({"period": month.key, "plans": [_outcome_json(o) for o in outcomes]})
        return
    for outcome in outcomes:
        _tell_outcome(rt, outcome, as_json=as_json)


def _outcome_json(outcome: DispatchOutcome) -> dict[str, object]:
    return {
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


def _tell_outcome(rt: Runtime, outcome: DispatchOutcome, *, as_json: bool) -> None:
    if as_json:
        rt.json(_outcome_json(outcome))
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


def _run_job(
    ctx: typer.Context, name: str, job: Callable[..., Awaitable[JobReport]], *, as_json: bool
) -> JobReport | None:
    rt = runtime(ctx)

    async def body() -> JobReport:
        async with rt.database():
            return await job(rt.now(), rt.zone, force=True)

    return _job_output(rt, name, rt.run(body()), as_json=as_json)


def _job_output(rt: Runtime, name: str, report: JobReport, *, as_json: bool) -> JobReport | None:
    """Print the JSON form and return None, or return the report for a sentence."""
    if as_json:
        rt.json({"job": name, "queued": report.queued, "periods": report.periods})
        return None
    return report


def remind(
    ctx: typer.Context,
    as_json: AsJson = False,
) -> None:
    """Remind every unit that has not reported for the latest month, now (once a day)."""
    rt = runtime(ctx)

    async def body() -> JobReport:
        async with rt.database():
            return await nudge(rt.now(), rt.zone, actor="cli")

    report = _job_output(rt, "remind", rt.run(body()), as_json=as_json)
    if report is not None:
        rt.out.print(rt.say(msg(N_("{count} reminders queued."), count=report.queued)))


def escalate(
    ctx: typer.Context,
    as_json: AsJson = False,
) -> None:
    """Escalate units that missed the latest due day to their leaders and the secretariat."""
    report = _run_job(ctx, "escalate", run_escalation, as_json=as_json)
    if report is not None:
        rt = runtime(ctx)
        rt.out.print(rt.say(msg(N_("{count} escalations queued."), count=report.queued)))
