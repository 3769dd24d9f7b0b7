"""Monthly dispatch (月调度): create a month's report requests and queue each unit's prompt.

The requests are each plan's (:func:`open_period`); the prompts are each person's, one for all
the plans dispatching the month (:mod:`bot.cadence.prompting`).

Idempotent: dispatching a month twice creates nothing new and queues nothing twice, so the
scheduler and ``duban dispatch`` can both call it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from tortoise.transactions import in_transaction

from bot.cadence.calendar import workday_overrides
from bot.cadence.prompting import MonthPrompts, queue_month_prompts
from bot.domain.cadence import Cadence, due_date
from bot.domain.errors import RefusedError
from bot.domain.messages import N_, msg
from bot.domain.reporting import Month, Status
from bot.domain.workdays import add_workdays
from bot.plans.selection import plan_for
from bot.reporting.latest import last_statuses
from bot.reporting.requests import OPEN_STATES
from bot.storage.models import (
    Assignment,
    AuditLog,
    OutboxMessage,
    Plan,
    ReportingPeriod,
    ReportRequest,
    TaskClosure,
    UnitMember,
)
from bot.storage.statistics import refresh_statistics


@dataclass(slots=True)
class DispatchOutcome:
    """What a dispatch did."""

    plan_id: int
    period: str
    due_on: date
    new_requests: int = 0
    requests: int = 0
    units: int = 0
    prompts: int = 0  # queued by this call
    closed: int = 0  # earlier months' requests closed
    units_without_contact: list[str] = field(default_factory=list)


async def _default_due(plan: Plan, month: Month, today: date) -> date:
    """The month's scheduled due day, or (dispatched late) the cadence's span from today."""
    cadence = Cadence.from_json(plan.cadence)
    overrides = await workday_overrides()
    scheduled = due_date(month, cadence, overrides)
    return scheduled if scheduled > today else add_workdays(today, cadence.span_workdays, overrides)


async def closed_task_ids(task_ids: list[int] | None = None) -> set[int]:
    """Tasks closed (销号): they get no more prompts and show as closed."""
    query = TaskClosure.filter(state="closed")
    if task_ids is not None:
        query = query.filter(task_id__in=task_ids)
    return {int(str(t)) for t in await query.values_list("task_id", flat=True)}


async def _targets(plan: Plan) -> set[tuple[int, int]]:
    """(task, unit) pairs to ask: collectives expand to their members where known; a closed
    task (销号) is asked no more."""
    assignments = await Assignment.filter(
        task__plan_id=plan.id, task__retired_at=None, retired_at=None
    ).values_list("task_id", "unit_id")
    members: dict[int, list[int]] = defaultdict(list)
    for collective, member in await UnitMember.all().values_list("collective_id", "member_id"):
        members[collective].append(member)
    pairs: set[tuple[int, int]] = set()
    for task_id, unit_id in assignments:
        for target in members.get(unit_id) or [unit_id]:
            pairs.add((task_id, target))
    latest = await last_statuses(plan_id=plan.id)
    done = {pair for pair, last in latest.items() if last.status == Status.DONE.value}
    closed = await closed_task_ids()
    return {pair for pair in pairs - done if pair[0] not in closed}


async def open_period(
    plan: Plan, month: Month, *, now: datetime, today: date, due_on: date | None = None
) -> DispatchOutcome:
    """Ensure the plan's period of ``month`` and its requests exist (earlier months' open
    requests closed); nothing is sent."""
    if not plan.monthly_dispatch:
        raise RefusedError(msg(N_("This plan has no monthly dispatch (一月一调度).")))
    async with in_transaction():
        period = await ReportingPeriod.get_or_none(plan=plan, kind="month", key=month.key)
        if period is None:
            due = due_on or await _default_due(plan, month, today)
            period = await ReportingPeriod.create(
                plan=plan,
                kind="month",
                key=month.key,
                starts=month.starts,
                ends=month.ends,
                dispatch_on=today,
                due_on=due,
            )
        elif due_on is not None and due_on != period.due_on:
            period.due_on = due_on
            await period.save(update_fields=["due_on"])
        assert period.due_on is not None
        outcome = DispatchOutcome(plan.id, month.key, period.due_on)
        stale = await ReportRequest.filter(
            period__plan_id=plan.id,
            period__kind="month",
            period__starts__lt=month.starts,
            state__in=OPEN_STATES,
        ).values_list("id", flat=True)
        if stale:
            outcome.closed = await ReportRequest.filter(id__in=list(stale)).update(
                state="closed", closed_at=now
            )
        existing = set(await ReportRequest.filter(period=period).values_list("task_id", "unit_id"))
        missing = sorted(await _targets(plan) - existing)
        await ReportRequest.bulk_create(
            [ReportRequest(period=period, task_id=t, unit_id=u) for t, u in missing]
        )
        outcome.new_requests = len(missing)
        if missing:
            await AuditLog.create(
                actor="dispatch",
                action="dispatch",
                subject=month.key,
                detail={"plan": plan.id, "requests": len(missing)},
            )
    return outcome


def note_prompts(outcomes: list[DispatchOutcome], found: MonthPrompts) -> None:
    """What queuing the month's prompts did, told to each plan's outcome."""
    for outcome in outcomes:
        outcome.requests = found.requests.get(outcome.plan_id, 0)
        outcome.units = found.units.get(outcome.plan_id, 0)
        outcome.prompts = found.prompts.get(outcome.plan_id, 0)
        outcome.units_without_contact = found.without_contact.get(outcome.plan_id, [])


async def dispatch(
    month: Month,
    *,
    now: datetime,
    today: date,
    plan_id: int | None = None,
    due_on: date | None = None,
) -> DispatchOutcome:
    """Ensure the plan's requests of the month exist and every reporter of every asked unit
    is prompted: one prompt a person for all the plans of the month (:mod:`prompting`)."""
    plan = await plan_for(plan_id)
    if plan is None:
        raise RefusedError(msg(N_("No plan has been imported yet; run “duban import FILE” first.")))
    outcome = await open_period(plan, month, now=now, today=today, due_on=due_on)
    note_prompts([outcome], await queue_month_prompts(month.key, now))
    await fresh_statistics([outcome])
    return outcome


async def several_plans() -> bool:
    """Whether more than one plan is active (then a dispatch naming none is every plan's)."""
    return await Plan.filter(retired_at=None).count() > 1


async def dispatch_month(
    month: Month, *, now: datetime, today: date, due_on: date | None = None
) -> list[DispatchOutcome]:
    """Dispatch ``month`` for every active plan with a monthly dispatch, then queue one prompt
    per person for all of them (``duban dispatch`` without ``--plan``)."""
    plans = await Plan.filter(retired_at=None, monthly_dispatch=True).order_by("id")
    if not plans:
        if await Plan.filter(retired_at=None).exists():
            raise RefusedError(msg(N_("This plan has no monthly dispatch (一月一调度).")))
        raise RefusedError(msg(N_("No plan has been imported yet; run “duban import FILE” first.")))
    outcomes = [
        await open_period(plan, month, now=now, today=today, due_on=due_on) for plan in plans
    ]
    note_prompts(outcomes, await queue_month_prompts(month.key, now))
    await fresh_statistics(outcomes)
    return outcomes


async def fresh_statistics(outcomes: list[DispatchOutcome]) -> None:
    """After a dispatch that opened requests, the planner's statistics of what it wrote:
    the replies it prompts come at once (:mod:`bot.storage.statistics`)."""
    if any(o.new_requests for o in outcomes):
        await refresh_statistics(ReportRequest, Assignment, OutboxMessage)
