"""Task deadlines (完成时间): which tasks are close to or past theirs, and the warnings sent
once per task and threshold to its lead units and the secretariat. "Done" and the units a task
answers through (its leads, collectives through their members) are
:mod:`bot.domain.completion`'s, as in the lights."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.cadence.dispatch import closed_task_ids
from bot.cadence.extensions import extended_tasks
from bot.delivery.outbox import enqueue
from bot.domain.cadence import DEADLINE_WARNINGS
from bot.domain.conversation import Outbound
from bot.domain.reporting import Status
from bot.domain.text import shorten
from bot.i18n import Translator
from bot.people import recipients
from bot.reporting.completion import answering, done_tasks
from bot.storage.models import Task


@dataclass(frozen=True, slots=True)
class DeadlineState:
    """A task with a deadline, from the point of view of the units it answers through."""

    task: Task
    lead_units: list[int]  # the units it answers through (:mod:`bot.domain.completion`)
    done: bool

    def days_left(self, today: date) -> int:
        """Days until the deadline (negative once past)."""
        assert self.task.deadline is not None
        return (self.task.deadline - today).days


async def deadline_states(
    *,
    plan_id: int | None = None,
    before: date | None = None,
    known: Mapping[tuple[int, int], Status] | None = None,
) -> list[DeadlineState]:
    """Every active task with a deadline (of one plan; due before a day), in plan order; done
    as :func:`bot.domain.completion.task_done` says, from ``known`` statuses (a period's
    reports) where given, else each unit's last report."""
    query = Task.filter(deadline__not_isnull=True, retired_at=None, plan__retired_at=None)
    if plan_id is not None:
        query = query.filter(plan_id=plan_id)
    if before is not None:
        query = query.filter(deadline__lt=before)
    tasks = await query.order_by("plan_id", "position")
    if not tasks:
        return []
    through = await answering([t.id for t in tasks])
    done = await done_tasks(through, known) | await closed_task_ids([t.id for t in tasks])  # 销号
    return [DeadlineState(task=t, lead_units=through[t.id], done=t.id in done) for t in tasks]


def overdue(states: list[DeadlineState], today: date) -> list[DeadlineState]:
    """Tasks past their deadline and not reported done (they stay in the digest until done)."""
    return [s for s in states if not s.done and s.days_left(today) < 0]


def _deadline_text(tr: Translator, state: DeadlineState, days: int) -> str:
    task = state.task
    params = {
        "number": task.number,
        "title": shorten(task.title, 40),
        "deadline": task.deadline.isoformat() if task.deadline else "",
        "days": days,
    }
    if days < 0:
        return tr.gettext(
            "Task {number} ({title}) passed its deadline {deadline} and is not reported done.",
            **params,
        )
    return tr.gettext(
        "Task {number} ({title}) is due on {deadline}, in {days} days.",
        **params,
    )


async def run_deadline_warnings(now: datetime, zone: ZoneInfo) -> int:
    """Warn lead units 30 and 7 days before a task's deadline, and once when it has passed."""
    today = now.astimezone(zone).date()
    queued = 0
    extended = await extended_tasks()  # a deadline moved by 延期申请 is warned of afresh
    for state in await deadline_states():
        if state.done or not state.lead_units:
            continue
        left = state.days_left(today)
        stage = (
            "overdue"
            if left < 0
            else next((str(w) for w in sorted(DEADLINE_WARNINGS) if left <= w), None)
        )
        if stage is None:
            continue
        people = await recipients.unit_contacts(state.lead_units, "reporter")
        leaders = await recipients.unit_contacts(state.lead_units, "leader")
        for unit_id in state.lead_units:
            for person in people.get(unit_id, []) + leaders.get(unit_id, []):
                tr = Translator(person.locale)
                message = Outbound(text=_deadline_text(tr, state, left), locale=tr.locale)
                moved = f"@{state.task.deadline}" if state.task.id in extended else ""
                key = f"deadline:{state.task.id}{moved}:{stage}:unit:{unit_id}:{person.key}"
                if await enqueue(
                    key, person.identity, message, now=now, contact_id=person.contact_id
                ):
                    queued += 1
    return queued
