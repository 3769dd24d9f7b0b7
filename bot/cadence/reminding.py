"""One reminder stream per person (催报), whatever the number of plans.

A reminder is due for a plan's period at each of its reminder moments (or now, when asked:
``duban remind``, ``/nudge``). A unit's reporter then gets one reminder listing everything the
unit has not answered in every plan still open (due day not passed), a task two plans share
once, due by the earliest due day: not one reminder per plan. The outbox key names the person
and the moment (``remind:contact:5:2026-11-25T0900``, ``remind:contact:5:manual-2026-11-25``),
so plans reminding at the same moment send one message and a second run sends nothing.

After the due day a silent unit's leader is told once (催办), every plan late at that moment in
one message (:func:`escalate_leaders`); each plan's secretariat gets its own list
(``cadence/jobs.py``).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from bot.delivery.outbox import enqueue
from bot.domain.conversation import Outbound
from bot.i18n import Translator
from bot.people import recipients
from bot.reporting.prompts import request_buttons
from bot.reporting.requests import RequestView, period_requests
from bot.reporting.twins import fold_twins
from bot.storage.models import OutboxMessage, ReportingPeriod


@dataclass(frozen=True, slots=True)
class Due:
    """A plan's open period and, when a reminder is due for it now, the moment's stamp."""

    period: ReportingPeriod
    due_on: date
    stamp: str | None  # 2026-11-25T0900 or manual-2026-11-25; None: listed, not reminding


async def waiting_requests(period: ReportingPeriod) -> dict[int, list[RequestView]]:
    """Per unit, the requests of the period not answered yet."""
    waiting: dict[int, list[RequestView]] = defaultdict(list)
    for view in await period_requests(period.id, ("open",)):
        waiting[view.unit_id].append(view)
    return waiting


def reminder_message(tr: Translator, views: list[RequestView], *, due_today: bool) -> Outbound:
    """A reminder (催报) listing the unit's unanswered requests as buttons, naming the earliest
    due day among them."""
    first = min(views, key=lambda v: v.due_on or date.max)
    params = {
        "period": first.period,
        "unit": first.unit,
        "due": first.due_on.isoformat() if first.due_on else "—",
        "count": len(views),
    }
    if due_today:
        text = tr.gettext(
            "Reminder: the {period} reports of {unit} are due today ({due}); "
            "{count} tasks are not reported yet.",
            **params,
        )
    else:
        text = tr.gettext(
            "Reminder: the {period} reports of {unit} are due on {due}; "
            "{count} tasks are not reported yet.",
            **params,
        )
    return Outbound(text=text, buttons=request_buttons(tr, views), locale=tr.locale)


async def remind_units(dues: list[Due], now: datetime, today: date) -> int:
    """Queue each reporter of a unit with a reminder due one reminder; how many were queued."""
    waiting: dict[int, list[RequestView]] = defaultdict(list)
    stamps: dict[int, list[str]] = defaultdict(list)
    for due in sorted(dues, key=lambda d: d.period.plan_id):  # as the month's prompt lists them
        for unit_id, views in (await waiting_requests(due.period)).items():
            waiting[unit_id] += views
            if due.stamp is not None:
                stamps[unit_id].append(due.stamp)
    contacts = await recipients.unit_contacts(list(stamps), "reporter")
    queued = 0
    for unit_id, unit_stamps in stamps.items():
        listed = [a.view for a in fold_twins(waiting[unit_id])]
        due_today = min(v.due_on or date.max for v in listed) == today
        stamp = max(unit_stamps)
        for person in contacts.get(unit_id, []):
            message = reminder_message(Translator(person.locale), listed, due_today=due_today)
            key = f"remind:{person.key}:{stamp}"
            if await enqueue(key, person.identity, message, now=now, contact_id=person.contact_id):
                queued += 1
    return queued


@dataclass(frozen=True, slots=True)
class Late:
    """A plan's period past its due day, with the units that have not answered."""

    plan_id: int
    plan: str  # its short name
    period: ReportingPeriod
    waiting: dict[int, list[RequestView]]


async def escalated(months: set[str]) -> dict[tuple[int, str], set[tuple[int, str]]]:
    """Per (unit, leader), the (plan, period) a 催办 already told them of, read from the keys
    (``escalate:1:2026-11:unit:5:contact:7|2:2026-11:``: plan 1 and plan 2 in one message)."""
    told: dict[tuple[int, str], set[tuple[int, str]]] = defaultdict(set)
    for month in months:
        keys = await OutboxMessage.filter(
            key__startswith="escalate:", key__contains=f":{month}:"
        ).values_list("key", flat=True)
        for key in keys:
            head, *more = str(key).split("|")
            parts = head.split(":")
            if len(parts) < 7 or parts[3] != "unit" or not parts[1].isdigit():
                continue  # a secretariat's list, not a unit's leader
            plans = {(int(parts[1]), parts[2])}
            for extra in more:
                plan, _, rest = extra.partition(":")
                if plan.isdigit():
                    plans.add((int(plan), rest.rstrip(":")))
            told[int(parts[4]), ":".join(parts[5:])] |= plans
    return told


def escalation_lines(tr: Translator, late: Late, unit_id: int, *, named: bool) -> list[str]:
    """One plan's part of a 催办 to a unit's leader (under its plan's name when ``named``)."""
    views = late.waiting[unit_id]
    due = late.period.due_on.isoformat() if late.period.due_on else "—"
    text = tr.gettext(
        "{unit} has not reported {count} tasks for {period}; the deadline was {due}.",
        unit=views[0].unit, count=len(views), period=late.period.key, due=due,
    )  # fmt: skip
    head = [f"【{late.plan}】"] if named else []
    return [*head, text, "", *(f"{v.number}. {v.title[:60]}" for v in views)]


async def escalate_leaders(lates: list[Late], now: datetime) -> int:
    """Tell each silent unit's leader once what it has not reported, every late plan in one
    message (a plan that turns late later: a message of its own)."""
    units = sorted({u for late in lates for u in late.waiting})
    leaders = await recipients.unit_contacts(units, "leader")
    told = await escalated({late.period.key for late in lates})
    queued = 0
    for unit_id in units:
        for person in leaders.get(unit_id, []):
            done = told.get((unit_id, person.key), set())
            fresh = [
                late
                for late in lates
                if unit_id in late.waiting and (late.plan_id, late.period.key) not in done
            ]
            if not fresh:
                continue
            tr = Translator(person.locale)
            named = len(fresh) > 1
            lines: list[str] = []
            for late in fresh:  # a blank line between plans
                lines += ([""] if lines else []) + escalation_lines(tr, late, unit_id, named=named)
            first = fresh[0]
            key = f"escalate:{first.plan_id}:{first.period.key}:unit:{unit_id}:{person.key}"
            if len(fresh) > 1:  # the other plans, as a digest: the key stays short however many
                others = ",".join(f"{late.plan_id}:{late.period.key}" for late in fresh[1:])
                key += ":also:" + hashlib.sha256(others.encode()).hexdigest()[:16]
            outbound = Outbound(text="\n".join(lines), locale=tr.locale)
            if await enqueue(key, person.identity, outbound, now=now, contact_id=person.contact_id):
                queued += 1
    return queued
