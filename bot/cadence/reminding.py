"""One reminder stream per person (催报), whatever the number of plans.

A reminder is due for a plan's period at each of its reminder moments (or now, when asked:
``duban remind``, ``/nudge``). A unit's reporter then gets one reminder listing everything the
unit has not answered in every plan still open (due day not passed), a task two plans share
once, due by the earliest due day: not one reminder per plan. The outbox key names the person
and the moment (``remind:contact:5:2026-11-25T0900``, ``remind:contact:5:manual-2026-11-25``),
so plans reminding at the same moment send one message and a second run sends nothing.
"""

from __future__ import annotations

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
from bot.storage.models import ReportingPeriod


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
