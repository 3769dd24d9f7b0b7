"""Deadline extensions (延期申请): a lead unit's reporter asks for a new date with a reason,
the unit's leader endorses it, the secretariat approves or refuses it; an approved one moves
the task's deadline and stays as its history (old, new, reason, who, when).

One use case per step, called by the chat (``chat_extensions.py``) and the CLI
(``cli_extensions.py``); every step is audited and re-checks the request's state, so a stale
or forged press changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from tortoise.transactions import in_transaction

from bot.cadence.cards import extension_card, extension_news
from bot.delivery.outbox import enqueue
from bot.domain.errors import RefusedError
from bot.domain.messages import N_, msg
from bot.people import recipients
from bot.people.binding import contact_name
from bot.storage.models import Assignment, AuditLog, Contact, DeadlineExtension, Task

REASON_MAX = 500
OPEN = ("endorsing", "pending")
_DAY = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


@dataclass(frozen=True, slots=True)
class ExtensionView:
    """An extension request as people read it."""

    id: int
    number: str
    title: str
    unit: str
    old: date | None
    new: date
    reason: str
    state: str  # endorsing | pending | approved | refused
    asked_by: str
    endorsed_by: str
    decided_by: str
    comment: str
    requested_at: datetime
    decided_at: datetime | None


def parse_day(text: str) -> date | None:
    """``2027-03-31``, ``2027/3/31`` or ``2027年3月31日``; None when it is no date."""
    found = _DAY.fullmatch(text.strip())
    if found is None:
        return None
    try:
        return date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None


async def find_task(number: str, unit_id: int | None = None) -> Task:
    """The active task numbered ``number`` of the only active plan; with several, of the one
    plan that has it (for ``unit_id``'s assignments when given). Refused if none or several."""
    found = Task.filter(number=number.strip(), retired_at=None, plan__retired_at=None)
    tasks = await found.order_by("plan_id").limit(2)
    if len(tasks) > 1 and unit_id is not None:  # several plans: the one asking this unit
        mine = found.filter(assignments__unit_id=unit_id, assignments__retired_at=None)
        tasks = await mine.distinct().order_by("plan_id").limit(2)
    if len(tasks) > 1:
        raise RefusedError(
            msg(
                N_("Task {number} is in several plans; name the plan to the secretariat."),
                number=number[:20],
            )
        )
    task = tasks[0] if tasks else None
    if task is None:
        raise RefusedError(msg(N_("There is no task {number} in the plan."), number=number[:20]))
    return task


async def _view(row: DeadlineExtension) -> ExtensionView:
    await row.fetch_related("task", "unit", "requested_by", "endorsed_by", "decided_by")
    name = lambda c: contact_name(c) if c is not None else ""  # noqa: E731 - three uses below
    return ExtensionView(
        id=row.id, number=row.task.number, title=row.task.title, unit=row.unit.name,
        old=row.old_deadline, new=row.new_deadline, reason=row.reason, state=row.state,
        asked_by=name(row.requested_by), endorsed_by=name(row.endorsed_by),
        decided_by=name(row.decided_by) or row.decider, comment=row.comment or "",
        requested_at=row.requested_at, decided_at=row.decided_at,
    )  # fmt: skip


async def check_request(contact: Contact, number: str, day_text: str, *, today: date) -> date:
    """The new date, if ``contact`` may ask to move task ``number``'s deadline to it."""
    task = await find_task(number, contact.unit_id)
    lead = await Assignment.filter(
        task_id=task.id, unit_id=contact.unit_id, role="lead", retired_at=None
    ).exists()
    if contact.unit_id is None or not lead:
        raise RefusedError(
            msg(N_("Only a lead unit of task {number} can ask to extend it."), number=task.number)
        )
    if task.deadline is None:
        raise RefusedError(msg(N_("Task {number} has no deadline to extend."), number=task.number))
    day = parse_day(day_text)
    if day is None:
        raise RefusedError(
            msg(N_("“{value}” is not a date; write it as YYYY-MM-DD."), value=day_text[:20])
        )
    if day <= max(task.deadline, today):
        raise RefusedError(
            msg(
                N_("The new date must be later than the deadline {deadline} and today."),
                deadline=task.deadline.isoformat(),
            )
        )
    if await DeadlineExtension.filter(task_id=task.id, state__in=OPEN).exists():
        raise RefusedError(
            msg(N_("Task {number} already has an extension request waiting."), number=task.number)
        )
    leaders = await recipients.unit_contacts([contact.unit_id], "leader")
    if not leaders.get(contact.unit_id):
        raise RefusedError(msg(N_("Your unit has no bound leader to endorse the request.")))
    return day


async def request_extension(
    contact: Contact, number: str, day_text: str, reason: str, *, now: datetime, today: date
) -> ExtensionView:
    """Ask for a new deadline; the request goes to the unit's leaders to endorse."""
    clean = reason.strip()
    if not clean:
        raise RefusedError(msg(N_("Write the reason for the extension.")))
    if len(clean) > REASON_MAX:
        raise RefusedError(
            msg(N_("The reason has {count} characters; at most {limit}."), count=len(clean),
                limit=REASON_MAX)
        )  # fmt: skip
    async with in_transaction():
        day = await check_request(contact, number, day_text, today=today)
        task = await find_task(number, contact.unit_id)
        assert contact.unit_id is not None
        row = await DeadlineExtension.create(
            task_id=task.id, unit_id=contact.unit_id, old_deadline=task.deadline,
            new_deadline=day, reason=clean, state="endorsing", requested_by=contact,
            requested_at=now,
        )  # fmt: skip
        await AuditLog.create(
            actor=contact.identity, action="extension.request", subject=str(row.id),
            detail={"task": task.number, "new": day.isoformat()},
        )  # fmt: skip
    view = await _view(row)
    leaders = (await recipients.unit_contacts([contact.unit_id], "leader"))[contact.unit_id]
    for person in leaders:
        card = extension_card(person.locale, view, to_leader=True)
        key = f"extension:{row.id}:endorse:{person.key}"
        await enqueue(key, person.identity, card, now=now, contact_id=person.contact_id)
    return view


async def _open(extension_id: int, state: str) -> DeadlineExtension:
    row = await DeadlineExtension.filter(id=extension_id).select_for_update().first()
    if row is None:
        raise RefusedError(msg(N_("That extension request does not exist.")))
    if row.state != state:
        raise RefusedError(msg(ALREADY[row.state]))
    return row


async def check_pending(extension_id: int) -> None:
    """Refused unless the request waits for the secretariat (before its comment is asked)."""
    row = await DeadlineExtension.get_or_none(id=extension_id)
    if row is None:
        raise RefusedError(msg(N_("That extension request does not exist.")))
    if row.state != "pending":
        raise RefusedError(msg(ALREADY[row.state]))


# "This request is already …", one sentence per state.
ALREADY = {
    "endorsing": N_("This extension request is still waiting for the unit’s leader."),
    "pending": N_("This extension request is already with the secretariat."),
    "approved": N_("This extension request was already approved; nothing to do."),
    "refused": N_("This extension request was already refused; nothing to do."),
}


async def endorse(
    leader: Contact, extension_id: int, *, agree: bool, now: datetime
) -> ExtensionView:
    """The unit leader's 同意 (to the secretariat) or 不同意 (the request ends refused)."""
    if leader.role != "leader":
        raise RefusedError(msg(N_("Only the unit’s leader can endorse an extension request.")))
    async with in_transaction():
        row = await _open(extension_id, "endorsing")
        if row.unit_id != leader.unit_id:
            raise RefusedError(msg(N_("That extension request belongs to another unit.")))
        await row.fetch_related("requested_by")
        asker = row.requested_by
        if asker is not None and (asker.id == leader.id or asker.identity == leader.identity):
            raise RefusedError(
                msg(N_("You asked for this extension, so someone else must endorse it."))
            )
        if agree:
            row.state, row.endorsed_by, row.endorsed_at = "pending", leader, now
        else:
            row.state, row.decided_by, row.decided_at = "refused", leader, now
            row.decider = leader.identity
        await row.save()
        await AuditLog.create(
            actor=leader.identity, action="extension.endorse" if agree else "extension.refuse",
            subject=str(row.id), detail={"by": "leader"},
        )  # fmt: skip
    view = await _view(row)
    if agree:
        task = await Task.get(id=row.task_id)
        for person in await recipients.secretariat(task.plan_id):  # its own and the admins
            card = extension_card(person.locale, view, to_leader=False,
                                  buttons=person.contact_id is not None)  # fmt: skip
            key = f"extension:{row.id}:decide:{person.key}"
            await enqueue(key, person.identity, card, now=now, contact_id=person.contact_id)
    await _tell_asker(row, view, now)
    return view


async def decide(
    extension_id: int, *, approve: bool, now: datetime, by: Contact | None, comment: str = ""
) -> ExtensionView:
    """The secretariat's decision; an approval moves the task's deadline (history kept)."""
    if by is not None and by.role != "secretariat":
        raise RefusedError(msg(N_("Only the secretariat can approve or refuse an extension.")))
    if not approve and not comment.strip():
        raise RefusedError(msg(N_("Write why it is refused, so the unit knows.")))
    async with in_transaction():
        row = await _open(extension_id, "pending")
        await recipients.refuse_other_plan(by, row.task_id)
        row.state = "approved" if approve else "refused"
        row.decided_by, row.decided_at = by, now
        row.decider = by.identity if by is not None else "cli"
        row.comment = comment.strip()[:2000] or None  # type: ignore[assignment]
        if approve:
            task = await Task.filter(id=row.task_id).select_for_update().get()
            row.old_deadline, task.deadline = task.deadline, row.new_deadline
            await task.save(update_fields=["deadline", "updated_at"])
        await row.save()
        await AuditLog.create(
            actor=row.decider, action=f"extension.{row.state}", subject=str(row.id),
            detail={"old": str(row.old_deadline), "new": row.new_deadline.isoformat()},
        )  # fmt: skip
    view = await _view(row)
    await _tell_asker(row, view, now)
    return view


async def _tell_asker(row: DeadlineExtension, view: ExtensionView, now: datetime) -> None:
    """The unit's reporters hear what became of the request."""
    people = await recipients.unit_contacts([row.unit_id], "reporter")
    for person in people.get(row.unit_id, []):
        key = f"extension:{row.id}:{row.state}:{person.key}"
        await enqueue(key, person.identity, extension_news(person.locale, view), now=now,
                      contact_id=person.contact_id)  # fmt: skip


async def list_extensions(*, every: bool = False, number: str = "") -> list[ExtensionView]:
    """The requests waiting for a decision (all of them with ``every``; one task's with
    ``number``), oldest first."""
    query = DeadlineExtension.all() if every or number else DeadlineExtension.filter(state__in=OPEN)
    if number:
        query = query.filter(task_id=(await find_task(number)).id)
    return [await _view(row) for row in await query.order_by("requested_at", "id")]


async def extended_tasks(task_ids: list[int] | None = None) -> dict[int, date]:
    """Tasks whose deadline an approved extension set: task id → that date (延期至)."""
    query = DeadlineExtension.filter(state="approved")
    if task_ids is not None:
        query = query.filter(task_id__in=task_ids)
    found: dict[int, date] = {}
    for task_id, day in await query.order_by("decided_at", "id").values_list(
        "task_id", "new_deadline"
    ):
        found[int(task_id)] = day
    deadlines = dict(await Task.filter(id__in=list(found)).values_list("id", "deadline"))
    return {t: d for t, d in found.items() if deadlines.get(t) == d}
