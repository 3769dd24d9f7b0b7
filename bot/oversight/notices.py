"""督办单 after issue: the unit's reply (整改措施 and a date), the secretariat's list, and the
notices left unanswered past their date (named in the next digest).

The chat (``回复整改措施``, ``/supervision``) and the CLI (``duban supervise list``) call these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.delivery.outbox import enqueue
from bot.domain.conversation import Outbound
from bot.domain.errors import RefusedError
from bot.domain.messages import N_, msg
from bot.domain.supervision import Grade, notice_number
from bot.i18n import Translator
from bot.people import recipients
from bot.storage.models import Contact, SupervisionNotice

REPLIERS = ("leader", "reporter")


@dataclass(frozen=True, slots=True)
class NoticeView:
    """A 督办单 as the secretariat reads it."""

    id: int
    number: str
    unit: str
    task: str  # its number
    title: str
    grade: Grade
    issued_on: date
    reply_by: date
    measures: str | None
    promised_on: date | None
    replied_at: datetime | None
    replied_by: str

    def to_json(self) -> dict[str, Any]:
        """The ``duban supervise list --json`` shape."""
        return {
            "number": self.number,
            "unit": self.unit,
            "task": self.task,
            "grade": self.grade.value,
            "issued_on": self.issued_on.isoformat(),
            "reply_by": self.reply_by.isoformat(),
            "measures": self.measures,
            "promised_on": self.promised_on.isoformat() if self.promised_on else None,
            "replied": self.replied_at is not None,
        }


async def _views(notices: list[SupervisionNotice]) -> list[NoticeView]:
    names = dict(
        await Contact.filter(id__in=[n.replied_by_id for n in notices if n.replied_by_id])
        .values_list("id", "display_name")
    )  # fmt: skip
    return [
        NoticeView(
            n.id,
            notice_number(n.prefix, n.year, n.number),
            n.unit.name,
            n.task.number,
            n.task.title,
            Grade(n.grade),
            n.issued_on,
            n.reply_by,
            n.measures,
            n.promised_on,
            n.replied_at,
            str(names.get(n.replied_by_id or 0, "")),
        )
        for n in notices
    ]


async def list_notices(
    *, plan_id: int | None = None, unanswered_on: date | None = None
) -> list[NoticeView]:
    """Every 督办单 (of a plan), newest first; with ``unanswered_on``, only those whose reply
    date has passed by that day without a reply."""
    query = SupervisionNotice.all()
    if plan_id is not None:
        query = query.filter(plan_id=plan_id)
    if unanswered_on is not None:
        query = query.filter(replied_at=None, reply_by__lt=unanswered_on)
    found = await query.select_related("task", "unit").order_by("-year", "-number")
    return await _views(list(found))


async def notice_to_answer(contact: Contact, notice_id: int) -> SupervisionNotice:
    """The notice ``contact`` may reply to: their unit's, not answered yet."""
    notice = await SupervisionNotice.get_or_none(id=notice_id).select_related("task", "unit")
    if notice is None or contact.role not in REPLIERS or notice.unit_id != contact.unit_id:
        raise RefusedError(msg(N_("That supervision notice is not for your unit.")))
    if notice.replied_at is not None:
        raise RefusedError(msg(N_("That supervision notice has been answered already.")))
    return notice


async def store_reply(
    contact: Contact,
    notice_id: int,
    measures: str,
    promised_on: date,
    *,
    now: datetime,
) -> NoticeView:
    """Store the unit's reply once (a second, even from another process, is refused) and
    tell the secretariat."""
    notice = await notice_to_answer(contact, notice_id)
    stored = await SupervisionNotice.filter(id=notice.id, replied_at=None).update(
        measures=measures, promised_on=promised_on, replied_at=now, replied_by_id=contact.id
    )
    if not stored:
        raise RefusedError(msg(N_("That supervision notice has been answered already.")))
    await notice.refresh_from_db()
    view = (await _views([notice]))[0]
    for person in await recipients.secretariat(notice.plan_id):  # its own and the admins
        tr = Translator(person.locale)
        text = tr.gettext(
            "{unit} replied to supervision notice {number} (task {task}): {measures} "
            "— to be done by {date}.",
            unit=view.unit, number=view.number, task=view.task, measures=measures,
            date=promised_on.isoformat(),
        )  # fmt: skip
        key = f"notice:{notice.id}:reply:{person.key}"
        outbound = Outbound(text=text, locale=tr.locale)
        await enqueue(key, person.identity, outbound, now=now, contact_id=person.contact_id)
    return view


def notice_lines(tr: Translator, views: list[NoticeView]) -> list[str]:
    """One line per notice for the secretariat: number, unit, task, and the reply or its date."""
    lines = []
    for v in views:
        head = f"{v.number} {v.unit} · {v.task} · " + tr.gettext(v.grade.label)
        if v.measures is not None and v.promised_on is not None:
            lines.append(
                head
                + " — "
                + tr.gettext(
                    "replied: {measures} (by {date})",
                    measures=v.measures,
                    date=v.promised_on.isoformat(),
                )
            )
        else:
            lines.append(
                head + " — " + tr.gettext("no reply yet (due {date})", date=v.reply_by.isoformat())
            )
    return lines
