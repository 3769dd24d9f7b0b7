"""A 督办单 on its way: written as a docx (:mod:`bot.render.notice`) and queued to the unit's
leaders and reporters with the button to reply (回复整改措施), and noted to the secretariat."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.delivery.outbox import enqueue
from bot.domain.conversation import Button, Outbound, OutFile
from bot.domain.payloads import payload
from bot.domain.supervision import REASON_TEXT, Grade, Reason, chinese_date, notice_number
from bot.i18n import Translator
from bot.people import recipients
from bot.render.notice import NoticeDocument, write_notice_docx
from bot.storage.models import SupervisionNotice

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REPLY_ACTION = "j"  # the notice's button: j:<notice> opens the reply, j:<notice>:1|0 confirms
GRADE_WORDS = {Grade.YELLOW: "黄色督办", Grade.RED: "红色督办"}


def reason_lines(reasons: list[dict[str, Any]]) -> list[str]:
    """A notice's problems as its 督办单 writes them."""
    return [REASON_TEXT[Reason(r["reason"])].format(**r["params"]) for r in reasons]


def notice_button(tr: Translator, notice_id: int) -> tuple[tuple[Button, ...], ...]:
    """The button under a 督办单: 回复整改措施."""
    return (
        (
            Button(
                tr.gettext("Reply with rectification measures"), payload(REPLY_ACTION, notice_id)
            ),
        ),
    )


async def send_notice(notice: SupervisionNotice, office: str, data_dir: Path, now: datetime) -> int:
    """Render the notice and queue it to the unit's leaders and reporters; note it to the
    secretariat. Its path is stored last: a notice without one (a crash between) is sent by
    the next run, the outbox keys keeping what was queued already from going twice."""
    await notice.fetch_related("plan", "task", "unit")
    grade = GRADE_WORDS[Grade(notice.grade)]
    number = notice_number(notice.prefix, notice.year, notice.number)
    relative = Path("notices") / f"plan{notice.plan_id}-{notice.year}-{notice.number}.docx"
    task = f"{notice.task.number}. {notice.task.title}"
    document = NoticeDocument(
        number=number,
        unit=notice.unit.name,
        task=task,
        grade=grade,
        problems=reason_lines(notice.reasons),
        reply_by=chinese_date(notice.reply_by),
        office=office or notice.plan.issuer or "督查室",
        issued=chinese_date(notice.issued_on),
    )
    target = data_dir / relative
    await asyncio.to_thread(target.parent.mkdir, parents=True, exist_ok=True)
    await asyncio.to_thread(write_notice_docx, document, target)
    queued = 0
    unit_people = [
        *(await recipients.unit_contacts([notice.unit_id], "leader")).get(notice.unit_id, []),
        *(await recipients.unit_contacts([notice.unit_id], "reporter")).get(notice.unit_id, []),
    ]
    for person in unit_people:
        tr = Translator(person.locale)
        text = tr.gettext(
            "Supervision notice {number} ({grade}) to {unit} on task {task}: {problems}. "
            "Please reply with your rectification measures and a date by {reply_by}.",
            number=number, grade=grade, unit=notice.unit.name, task=task[:60],
            problems="；".join(document.problems), reply_by=notice.reply_by.isoformat(),
        )  # fmt: skip
        outbound = Outbound(
            text=text,
            title=tr.gettext("Supervision notice (督办单)"),
            buttons=notice_button(tr, notice.id),
            files=(OutFile(relative.as_posix(), f"督办单{number}.docx", DOCX_MIME),),
            locale=tr.locale,
        )
        key = f"notice:{notice.id}:{person.key}"
        if await enqueue(key, person.identity, outbound, now=now, contact_id=person.contact_id):
            queued += 1
    for person in await recipients.secretariat():
        tr = Translator(person.locale)
        text = tr.gettext(
            "Supervision notice {number} ({grade}) issued to {unit} on task {task}; "
            "a reply is due by {reply_by}.",
            number=number, grade=grade, unit=notice.unit.name, task=notice.task.number,
            reply_by=notice.reply_by.isoformat(),
        )  # fmt: skip
        key = f"notice:{notice.id}:secretariat:{person.key}"
        outbound = Outbound(text=text, locale=tr.locale)
        if await enqueue(key, person.identity, outbound, now=now, contact_id=person.contact_id):
            queued += 1
    notice.path = relative.as_posix()
    await notice.save(update_fields=["path"])
    return queued
