"""The cadence's jobs as idempotent use cases: dispatch, remind, escalate.

Each takes ``now`` and does what is due by then and has not been done: outbox keys make a
second run a no-op, so the scheduler can call them often, and at start-up to catch up.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.cadence.calendar import workday_overrides
from bot.cadence.dispatch import DispatchOutcome, fresh_statistics, note_prompts, open_period
from bot.cadence.prompting import queue_month_prompts
from bot.cadence.reminding import Due, Late, escalate_leaders, remind_units, waiting_requests
from bot.delivery.outbox import enqueue
from bot.domain.cadence import (
    Cadence,
    escalation_time,
    month_schedule,
    next_month,
    previous_month,
    reminder_times,
)
from bot.domain.conversation import Outbound
from bot.domain.reporting import Month
from bot.i18n import Translator
from bot.people import recipients
from bot.reporting.records import latest_period
from bot.reporting.requests import RequestView
from bot.storage.models import AuditLog, Plan, ReportingPeriod, Unit


@dataclass(slots=True)
class JobReport:
    """What a job run did, for logs and ``duban remind`` / ``duban escalate``."""

    queued: int = 0
    periods: list[str] = field(default_factory=list)


async def active_plans() -> list[Plan]:
    """Plans with a monthly cadence."""
    return list(await Plan.filter(retired_at=None, monthly_dispatch=True).order_by("id"))


async def _open_periods() -> AsyncIterator[tuple[Plan, ReportingPeriod, date]]:
    """Each monthly plan's latest dispatched period that has a due day, with that day."""
    for plan in await active_plans():
        period = await latest_period(plan)
        if period is not None and period.due_on is not None:
            yield plan, period, period.due_on


async def run_dispatch(now: datetime, zone: ZoneInfo) -> JobReport:
    """Dispatch every month whose dispatch time has come and whose due day has not passed.

    A due day early in a month (or moved back over a holiday) can put a month's dispatch in
    the month before it, and a due day in the following month puts its deadline there: the
    months on either side of the current one are looked at too.
    """
    report = JobReport()
    overrides = await workday_overrides()
    local = now.astimezone(zone)
    current = Month.of(local.date())
    months: dict[str, list[DispatchOutcome]] = {}
    for plan in await active_plans():
        cadence = Cadence.from_json(plan.cadence)
        for month in (previous_month(current), current, next_month(current)):
            schedule = month_schedule(month, cadence, zone, overrides)
            if schedule.dispatch_at <= local and local.date() <= schedule.due_on:
                outcome = await open_period(
                    plan, month, now=now, today=local.date(), due_on=schedule.due_on
                )
                months.setdefault(month.key, []).append(outcome)
                report.periods.append(f"{plan.id}:{month.key}")
    for key, outcomes in months.items():  # the plans first, then one prompt a person
        found = await queue_month_prompts(key, now)
        note_prompts(outcomes, found)
        report.queued += found.queued
    await fresh_statistics([o for outcomes in months.values() for o in outcomes])
    return report


async def nudge(
    now: datetime, zone: ZoneInfo, *, actor: str, plan_id: int | None = None
) -> JobReport:
    """一键催办: remind every unit that has not reported, now, and record who asked.

    The one use case behind ``/nudge`` in chat and ``duban remind`` on the command line.
    """
    report = await run_reminders(now, zone, force=True, plan_id=plan_id)
    await AuditLog.create(
        actor=actor,
        action="nudge",
        subject=",".join(report.periods),
        detail={"queued": report.queued},
    )
    return report


async def run_reminders(
    now: datetime, zone: ZoneInfo, *, force: bool = False, plan_id: int | None = None
) -> JobReport:
    """Remind units that have not reported: the latest reminder moment reached, once each;
    one reminder a person for every plan (:mod:`bot.cadence.reminding`).

    ``force`` (``duban remind``) sends a reminder now, whatever the schedule, once per day.
    """
    report = JobReport()
    overrides = await workday_overrides()
    local = now.astimezone(zone)
    dues: list[Due] = []
    async for plan, period, due_on in _open_periods():
        stamp = None
        if plan_id is not None and plan.id != plan_id:
            pass  # /nudge of one plan's secretariat: the other plans' tasks only listed
        elif force:
            stamp = f"manual-{local.date().isoformat()}"
        elif local.date() <= due_on:
            moments = reminder_times(due_on, Cadence.from_json(plan.cadence), zone, overrides)
            reached = [moment for moment in moments if moment <= local]
            if reached:  # after downtime only the latest reminder is worth sending
                stamp = reached[-1].astimezone(zone).strftime("%Y-%m-%dT%H%M")
        if stamp is None and local.date() > due_on:
            continue  # past its due day: neither reminding nor listed
        dues.append(Due(period, due_on, stamp))
        if stamp is not None:
            report.periods.append(f"{plan.id}:{period.key}")
    if report.periods:
        report.queued = await remind_units(dues, now, local.date())
    return report


async def run_escalation(now: datetime, zone: ZoneInfo, *, force: bool = False) -> JobReport:
    """After the due day, tell each silent unit's leader and the secretariat (催办), once."""
    report = JobReport()
    overrides = await workday_overrides()
    local = now.astimezone(zone)
    lates: list[Late] = []
    async for plan, period, due_on in _open_periods():
        cadence = Cadence.from_json(plan.cadence)
        if not force and escalation_time(due_on, cadence, zone, overrides) > local:
            continue
        if force and local.date() <= due_on:
            continue  # nobody is late before the due day has passed
        waiting = await waiting_requests(period)
        if not waiting:
            continue
        lates.append(Late(plan.id, plan.short_name or str(plan.id), period, waiting))
        report.queued += await _tell_secretariat(plan, period, waiting, now)
        report.periods.append(f"{plan.id}:{period.key}")
    if lates:  # a unit's leader: one message for every plan late now
        report.queued += await escalate_leaders(lates, now)
    return report


async def _tell_secretariat(
    plan: Plan, period: ReportingPeriod, waiting: dict[int, list[RequestView]], now: datetime
) -> int:
    """The plan's secretariat (and the admins): which units have not reported, once."""
    queued = 0
    names = dict(await Unit.filter(id__in=list(waiting)).values_list("id", "name"))
    due = period.due_on.isoformat() if period.due_on else "—"
    reporters = await recipients.unit_contacts(list(waiting), "reporter")
    for person in await recipients.secretariat(plan.id):  # its own and the admins
        tr = Translator(person.locale)
        lines = [
            tr.gettext(
                "{count} units have not reported for {period} (deadline {due}):",
                count=len(waiting),
                period=period.key,
                due=due,
            )
        ]
        for unit_id, views in sorted(waiting.items(), key=lambda item: names[item[0]]):
            reach = "" if reporters.get(unit_id) else " · " + tr.gettext("no reachable reporter")
            lines.append(
                tr.gettext("{unit}: {count} tasks", unit=names[unit_id], count=len(views)) + reach
            )
        key = f"escalate:{plan.id}:{period.key}:secretariat:{person.key}"
        outbound = Outbound(
            text="\n".join(lines), title=tr.gettext("Overdue reports (催办)"), locale=tr.locale
        )
        if await enqueue(key, person.identity, outbound, now=now, contact_id=person.contact_id):
            queued += 1
    return queued
