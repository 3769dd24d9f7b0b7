"""One prompt per person per month, whatever the number of plans (一人一月一问).

Every active plan dispatching a month has its own period and requests; a unit's reporter gets
one prompt listing all of them, grouped by plan, a task two plans share once
(:func:`bot.reporting.twins.fold_twins`), due by the earliest due day. A plan dispatched later
in the month (after its siblings' prompt went out) sends only its own tasks, saying so.

The outbox key names the month, the contact and the plans a prompt covers
(``dispatch:2026-11:contact:5:plans:1,2``), so a second call queues nothing twice and a later
plan is told apart; a key of the older form, one per plan and unit
(``dispatch:1:2026-11:unit:3:contact:5``), counts as covering its plan.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from bot.delivery.outbox import enqueue
from bot.i18n import Translator
from bot.reporting.prompts import monthly_prompt
from bot.reporting.requests import OPEN_STATES, RequestView, period_requests
from bot.reporting.twins import fold_twins
from bot.storage.models import Contact, OutboxMessage, ReportingPeriod


@dataclass(slots=True)
class MonthPrompts:
    """What queuing a month's prompts found and did, per plan."""

    requests: dict[int, int] = field(default_factory=dict)
    units: dict[int, int] = field(default_factory=dict)
    prompts: dict[int, int] = field(default_factory=dict)  # queued now, naming the plan
    without_contact: dict[int, list[str]] = field(default_factory=dict)
    queued: int = 0  # prompts queued now, each once however many plans it lists


def prompt_key(month: str, contact_id: int, plans: set[int]) -> str:
    """``dispatch:2026-11:contact:5:plans:1,2``; runs of plans as ranges (``1-40,52``), so a
    county's dozens of plans fit the key."""
    return f"dispatch:{month}:contact:{contact_id}:plans:{_ranges(sorted(plans))}"


def _ranges(ids: list[int]) -> str:
    runs: list[list[int]] = []
    for plan in ids:
        if runs and plan == runs[-1][1] + 1:
            runs[-1][1] = plan
        else:
            runs.append([plan, plan])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def _plan_ids(text: str) -> set[int]:
    """The plans a key's ``1-40,52`` names."""
    found: set[int] = set()
    for part in text.split(","):
        first, _, last = part.partition("-")
        if first.isdigit() and (not last or last.isdigit()):
            found |= set(range(int(first), int(last or first) + 1))
    return found


async def prompted_plans(month: str) -> dict[int, set[int]]:
    """Per contact, the plans whose tasks of ``month`` a queued prompt listed already."""
    covered: dict[int, set[int]] = defaultdict(set)
    for key in await OutboxMessage.filter(key__startswith=f"dispatch:{month}:contact:").values_list(
        "key", flat=True
    ):
        parts = str(key).split(":")  # dispatch, month, contact, c, plans, ids
        if len(parts) == 6 and parts[3].isdigit():
            covered[int(parts[3])] |= _plan_ids(parts[5])
    legacy = OutboxMessage.filter(key__startswith="dispatch:", key__contains=f":{month}:unit:")
    for key in await legacy.values_list("key", flat=True):
        parts = str(key).split(":")  # dispatch, plan, month, unit, u, contact, c
        if len(parts) == 7 and parts[1].isdigit() and parts[6].isdigit():
            covered[int(parts[6])].add(int(parts[1]))
    return covered


async def month_views(month: str) -> list[RequestView]:
    """The open requests of every active plan's period ``month``, plan by plan."""
    periods = await ReportingPeriod.filter(
        kind="month", key=month, plan__retired_at=None, plan__monthly_dispatch=True
    ).order_by("plan_id")
    views: list[RequestView] = []
    for period in periods:
        views += await period_requests(period.id, OPEN_STATES)
    return views


async def queue_month_prompts(month: str, now: datetime) -> MonthPrompts:
    """Queue each reporter of every asked unit one prompt for ``month``: the tasks of the plans
    no earlier prompt this month listed (nothing when there are none)."""
    views = await month_views(month)
    found = MonthPrompts()
    by_unit: dict[int, list[RequestView]] = defaultdict(list)
    names: dict[int, str] = {}
    plan_units: dict[int, set[int]] = defaultdict(set)
    for view in views:
        by_unit[view.unit_id].append(view)
        names[view.unit_id] = view.unit
        found.requests[view.plan_id] = found.requests.get(view.plan_id, 0) + 1
        plan_units[view.plan_id].add(view.unit_id)
    for plan_id, units in plan_units.items():
        found.units[plan_id] = len(units)
        found.prompts[plan_id] = 0
        found.without_contact[plan_id] = []
    contacts: dict[int, list[Contact]] = defaultdict(list)
    for contact in await Contact.filter(
        active=True, role="reporter", unit_id__in=list(by_unit)
    ).order_by("id"):
        contacts[contact.unit_id or 0].append(contact)
    covered = await prompted_plans(month)
    for unit_id, unit_views in by_unit.items():
        if not contacts.get(unit_id):
            for plan_id in {v.plan_id for v in unit_views}:
                found.without_contact[plan_id].append(names[unit_id])
            continue
        for contact in contacts[unit_id]:
            done = covered.get(contact.id, set())
            new = {v.plan_id for v in unit_views} - done
            if not new:
                continue
            # the plans prompted before first: a twin of a task asked already is not asked again
            ordered = sorted(unit_views, key=lambda v: v.plan_id not in done)
            asks = [a for a in fold_twins(ordered) if a.view.plan_id in new]
            listed = [v for a in asks for v in (a.view, *a.twins)]
            if not listed:
                continue
            prompt = monthly_prompt(
                Translator(contact.locale), names[unit_id], month, listed, more=bool(done)
            )
            key = prompt_key(month, contact.id, new)
            if await enqueue(key, contact.identity, prompt, now=now, contact_id=contact.id):
                found.queued += 1
                for plan_id in new:
                    found.prompts[plan_id] += 1
    for silent in found.without_contact.values():
        silent.sort()
    return found
