"""Closing a task (销号): the lead unit, having reported 已完成 with its evidence (text, files),
asks the secretariat to close the task; the secretariat closes it or sends it back (退回) with
a comment. A closed task's open requests are closed and it is asked no more
(``bot.cadence.dispatch``); ``duban task close|reopen`` do the same from the command line.

Every step is audited and re-checks the request's state, so a stale or forged press changes
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from bot.cadence.dispatch import closed_task_ids
from bot.cadence.extensions import find_task
from bot.delivery.outbox import enqueue
from bot.domain.conversation import Button, Outbound, OutFile
from bot.domain.errors import RefusedError
from bot.domain.messages import N_, msg
from bot.domain.narrative import progress_text
from bot.domain.payloads import payload
from bot.domain.reporting import Status
from bot.domain.text import shorten
from bot.i18n import Translator
from bot.people import recipients
from bot.people.binding import contact_name
from bot.reporting.latest import pair_latest
from bot.reporting.requests import OPEN_STATES
from bot.storage.models import (
    Assignment,
    Attachment,
    AuditLog,
    Contact,
    ReportRequest,
    Task,
    TaskClosure,
)


@dataclass(frozen=True, slots=True)
class ClosureView:
    """A request to close a task, as people read it."""

    id: int
    number: str
    title: str
    unit: str
    state: str  # pending | closed | returned | reopened
    evidence: str
    files: tuple[OutFile, ...]
    asked_by: str
    comment: str


async def _view(row: TaskClosure) -> ClosureView:
    await row.fetch_related("task", "unit", "requested_by")
    files: tuple[OutFile, ...] = ()
    if row.report_id is not None:
        files = tuple(
            OutFile(a.path, a.original_name or a.path.rsplit("/", 1)[-1], a.mime)
            for a in await Attachment.filter(report_id=row.report_id).order_by("id")
        )
    asker = row.requested_by
    return ClosureView(
        id=row.id, number=row.task.number, title=row.task.title,
        unit=row.unit.name if row.unit else "", state=row.state, evidence=row.evidence,
        files=files, asked_by=contact_name(asker) if asker else row.decider,
        comment=row.comment or "",
    )  # fmt: skip


async def task_of_request(contact: Contact, request_id: int) -> str:
    """The number of the task of one of the contact's unit's requests (a 销号 button)."""
    request = await ReportRequest.get_or_none(id=request_id).select_related("task")
    if request is None or contact.unit_id is None or request.unit_id != contact.unit_id:
        raise RefusedError(msg(N_("That task is not one of your unit’s open requests.")))
    return request.task.number


async def _refuse_if_closed(task: Task) -> None:
    if task.id in await closed_task_ids([task.id]):
        raise RefusedError(msg(N_("Task {number} is already closed (销号)."), number=task.number))


async def request_closure(contact: Contact, number: str, *, now: datetime) -> ClosureView:
    """The lead unit asks to close task ``number``; its last 已完成 report is the evidence."""
    task = await find_task(number, contact.unit_id)
    lead = await Assignment.filter(
        task_id=task.id, unit_id=contact.unit_id, role="lead", retired_at=None
    ).exists()
    if contact.role != "reporter" or contact.unit_id is None or not lead:
        raise RefusedError(
            msg(N_("Only the lead unit of task {number} can ask to close it."), number=task.number)
        )
    async with in_transaction():
        await _refuse_if_closed(task)
        if await TaskClosure.filter(task_id=task.id, state="pending").exists():
            raise RefusedError(
                msg(N_("Task {number} already waits for the secretariat to close it."),
                    number=task.number)
            )  # fmt: skip
        last = await pair_latest(task.id, contact.unit_id)
        if last is None or last.status != Status.DONE.value:
            raise RefusedError(
                msg(N_("Report task {number} as done first: that report is the evidence for "
                       "closing it."), number=task.number)
            )  # fmt: skip
        tr = Translator(contact.locale)
        evidence = progress_text(last.text, last.problems, last.next_steps, tr.gettext)
        row = await TaskClosure.create(
            task_id=task.id, unit_id=contact.unit_id, report_id=last.id, evidence=evidence,
            state="pending", requested_by=contact, requested_at=now,
        )  # fmt: skip
        await AuditLog.create(
            actor=contact.identity, action="closure.request", subject=str(row.id),
            detail={"task": task.number, "report": last.id},
        )  # fmt: skip
    view = await _view(row)
    for person in await recipients.secretariat(task.plan_id):  # its own and the admins
        card = closure_card(Translator(person.locale), view, buttons=person.contact_id is not None)
        key = f"closure:{row.id}:decide:{person.key}"
        await enqueue(key, person.identity, card, now=now, contact_id=person.contact_id)
    return view


# "This request is already …", one sentence per state.
ALREADY = {
    "closed": N_("This task is already closed (销号); nothing to do."),
    "returned": N_("This request to close the task was already sent back; nothing to do."),
    "reopened": N_("This task was closed and reopened since; nothing to do."),
}


async def pending_closure(closure_id: int, *, lock: bool = False) -> TaskClosure:
    """The request ``closure_id`` while it waits for the secretariat (refused otherwise)."""
    query = TaskClosure.filter(id=closure_id)
    row = await (query.select_for_update() if lock else query).first()
    if row is None:
        raise RefusedError(msg(N_("That request to close a task does not exist.")))
    if row.state != "pending":
        raise RefusedError(msg(ALREADY[row.state]))
    return row


async def _close_requests(task_id: int, now: datetime) -> int:
    return await ReportRequest.filter(task_id=task_id, state__in=OPEN_STATES).update(
        state="closed", closed_at=now
    )


async def decide_closure(
    closure_id: int, *, close: bool, now: datetime, by: Contact | None, comment: str = ""
) -> ClosureView:
    """The secretariat closes the task (销号) or sends the request back (退回) with a comment."""
    if by is not None and by.role != "secretariat":
        raise RefusedError(msg(N_("Only the secretariat can close a task or send it back.")))
    if not close and not comment.strip():
        raise RefusedError(msg(N_("Write why it is sent back, so the unit knows.")))
    async with in_transaction():
        row = await pending_closure(closure_id, lock=True)
        await recipients.refuse_other_plan(by, row.task_id)
        row.state = "closed" if close else "returned"
        row.decided_by, row.decided_at = by, now
        row.decider = by.identity if by is not None else "cli"
        row.comment = comment.strip()[:2000] or None  # type: ignore[assignment]
        await row.save()
        closed = await _close_requests(row.task_id, now) if close else 0
        await AuditLog.create(
            actor=row.decider, action=f"closure.{row.state}", subject=str(row.id),
            detail={"task": row.task_id, "requests_closed": closed},
        )  # fmt: skip
    view = await _view(row)
    if row.unit_id is not None:
        people = await recipients.unit_contacts([row.unit_id], "reporter")
        for person in people.get(row.unit_id, []):
            news = closure_news(Translator(person.locale), view)
            key = f"closure:{row.id}:{row.state}:{person.key}"
            await enqueue(key, person.identity, news, now=now, contact_id=person.contact_id)
    return view


async def close_task(number: str, *, now: datetime, actor: str) -> int:
    """``duban task close N``: closed by the secretariat directly; the requests it closed."""
    task = await find_task(number)
    async with in_transaction():
        await _refuse_if_closed(task)
        pending = await TaskClosure.filter(task_id=task.id, state="pending").first()
        if pending is not None:
            pending.state, pending.decider, pending.decided_at = "closed", actor, now
            await pending.save(update_fields=["state", "decider", "decided_at"])
        else:
            await TaskClosure.create(
                task_id=task.id, state="closed", decider=actor, requested_at=now, decided_at=now
            )
        closed = await _close_requests(task.id, now)
        await AuditLog.create(actor=actor, action="closure.closed", subject=task.number,
                              detail={"task": task.id, "requests_closed": closed})  # fmt: skip
    return closed


async def reopen_task(number: str, *, now: datetime, actor: str) -> None:
    """``duban task reopen N``: the task is asked again from the next dispatch."""
    task = await find_task(number)
    async with in_transaction():
        reopened = await TaskClosure.filter(task_id=task.id, state="closed").update(
            state="reopened", decided_at=now
        )
        if not reopened:
            raise RefusedError(msg(N_("Task {number} is not closed."), number=task.number))
        await AuditLog.create(actor=actor, action="closure.reopened", subject=task.number,
                              detail={"task": task.id})  # fmt: skip


async def pending_closures() -> list[ClosureView]:
    """Requests to close a task waiting for the secretariat, oldest first."""
    rows = await TaskClosure.filter(state="pending").order_by("requested_at", "id")
    return [await _view(row) for row in rows]


def closure_card(tr: Translator, view: ClosureView, *, buttons: bool = True) -> Outbound:
    """For the secretariat: the evidence, and 确认销号 / 退回."""
    lines = [
        tr.gettext("Task {number}: {title}", number=view.number, title=shorten(view.title, 60)),
        tr.gettext("Unit: {unit}", unit=view.unit),
        tr.gettext("Reported done: {text}", text=view.evidence),
        tr.gettext("Asked by {name}", name=view.asked_by),
    ]
    if view.files:
        lines.append(tr.gettext("Files attached: {count}", count=len(view.files)))
    rows = (
        (Button(tr.gettext("Close the task (销号)"), payload("q", view.id, 1)),),
        (Button(tr.gettext("Send back with a comment"), payload("q", view.id, 0)),),
    )
    return Outbound(
        text="\n".join(lines),
        title=tr.gettext("Request to close task {number} (销号) #{id}", number=view.number,
                         id=view.id),
        buttons=rows if buttons else (),
        files=view.files,
        locale=tr.locale,
    )  # fmt: skip


def closure_news(tr: Translator, view: ClosureView) -> Outbound:
    """For the lead unit's reporters: closed, or sent back with the comment."""
    if view.state == "closed":
        text = tr.gettext("The secretariat closed task {number} (销号).", number=view.number)
    else:
        text = tr.gettext(
            "The secretariat sent back closing task {number}: {comment}",
            number=view.number,
            comment=view.comment,
        )
    return Outbound(text=text, locale=tr.locale)
