"""督办单 on their way: a unit's notices issued together are one docx (:mod:`bot.render.notice`,
a notice a page) in one message to each of its leaders and reporters, with a button per notice
to reply (回复整改措施); the secretariat gets one list of the notices a run sent. Not one message
per notice: a unit late on eight tasks would get eight, and a group is paced at 20 a minute."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime
from itertools import groupby
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


def number_of(notice: SupervisionNotice) -> str:
    """The notice's 编号."""
    return notice_number(notice.prefix, notice.year, notice.number)


def reply_buttons(
    tr: Translator, notices: list[SupervisionNotice]
) -> tuple[tuple[Button, ...], ...]:
    """A button per notice: 回复整改措施 (with the notice's number when there are several)."""
    if len(notices) == 1:
        label = tr.gettext("Reply with rectification measures")
        return ((Button(label, payload(REPLY_ACTION, notices[0].id)),),)
    return tuple(
        (Button(tr.gettext("Reply to No. {number}", number=n.number), payload(REPLY_ACTION, n.id)),)
        for n in notices
    )


def _document(notice: SupervisionNotice, office: str) -> NoticeDocument:
    return NoticeDocument(
        number=number_of(notice),
        unit=notice.unit.name,
        task=f"{notice.task.number}. {notice.task.title}",
        grade=GRADE_WORDS[Grade(notice.grade)],
        problems=reason_lines(notice.reasons),
        reply_by=chinese_date(notice.reply_by),
        office=office or notice.plan.issuer or "督查室",
        issued=chinese_date(notice.issued_on),
    )


def _line(notice: SupervisionNotice) -> str:
    title = notice.task.title[:40].rstrip("。；;.")
    problems = "；".join(reason_lines(notice.reasons))
    grade = GRADE_WORDS[Grade(notice.grade)]
    return f"{number_of(notice)}（{grade}）{notice.task.number}. {title}：{problems}"


def notice_path(notice: SupervisionNotice) -> Path:
    """Where the docx holding the notice is (its unit's notices issued with it), under the
    data folder."""
    return Path("notices") / f"plan{notice.plan_id}-{notice.year}-{notice.number}.docx"


async def send_notices(
    notices: list[SupervisionNotice], office: str, data_dir: Path, now: datetime
) -> int:
    """Render one unit's notices as one docx and queue it to the unit's leaders and reporters
    (the notices are marked sent by :func:`note_issued`, after the secretariat's note)."""
    first, unit = notices[0], notices[0].unit
    relative = notice_path(first)
    target = data_dir / relative
    documents = [_document(n, office) for n in notices]
    await asyncio.to_thread(target.parent.mkdir, parents=True, exist_ok=True)
    await asyncio.to_thread(write_notice_docx, documents, target)
    name = f"督办单{number_of(first)}" + (f"等{len(notices)}份" if len(notices) > 1 else "")
    reply_by = max(n.reply_by for n in notices).isoformat()
    queued = 0
    people = [
        *(await recipients.unit_contacts([unit.id], "leader")).get(unit.id, []),
        *(await recipients.unit_contacts([unit.id], "reporter")).get(unit.id, []),
    ]
    for person in people:
        tr = Translator(person.locale)
        text = tr.gettext(
            "Supervision notices (督办单) to {unit}:\n{lines}\nPlease reply with your "
            "rectification measures and a date by {reply_by}.",
            unit=unit.name, lines="\n".join(_line(n) for n in notices), reply_by=reply_by,
        )  # fmt: skip
        outbound = Outbound(
            text=text,
            title=tr.gettext("Supervision notice (督办单)"),
            buttons=reply_buttons(tr, notices),
            files=(OutFile(relative.as_posix(), f"{name}.docx", DOCX_MIME),),
            locale=tr.locale,
        )
        key = f"notice:{first.id}:{person.key}"
        if await enqueue(key, person.identity, outbound, now=now, contact_id=person.contact_id):
            queued += 1
    return queued


def by_unit(notices: list[SupervisionNotice]) -> Iterator[list[SupervisionNotice]]:
    """The notices grouped by plan and unit, in order of number."""
    ordered = sorted(notices, key=lambda n: (n.plan_id, n.unit_id, n.year, n.number))
    for _, group in groupby(ordered, key=lambda n: (n.plan_id, n.unit_id)):
        yield list(group)


async def note_issued(notices: list[SupervisionNotice], now: datetime) -> int:
    """One message per secretariat chat and person listing the notices just sent, then each
    notice marked sent (its path). A notice not marked (a run stopped before) is sent again by
    the next run, the outbox keys keeping what was queued already from going twice."""
    if not notices:
        return 0
    queued = 0
    plans = sorted({n.plan_id for n in notices})
    for plan_id in plans:  # each plan's secretariat (and the admins) hears of its own notices
        queued += await _note_plan([n for n in notices if n.plan_id == plan_id], plan_id, now)
    for group in by_unit(notices):
        path = notice_path(group[0]).as_posix()
        await SupervisionNotice.filter(id__in=[n.id for n in group]).update(path=path)
    return queued


async def _note_plan(notices: list[SupervisionNotice], plan_id: int, now: datetime) -> int:
    """The list of one plan's notices to that plan's secretariat and the admins."""
    queued = 0
    for person in await recipients.secretariat(plan_id):
        tr = Translator(person.locale)
        lines = [
            tr.gettext(
                "{count} supervision notices issued; replies are due by {date}:",
                count=len(notices), date=max(n.reply_by for n in notices).isoformat(),
            ),
            *(f"{number_of(n)} {n.unit.name} · {n.task.number} · "
              + tr.gettext(Grade(n.grade).label) for n in notices),
        ]  # fmt: skip
        title = tr.gettext("Supervision notices (督办单)")
        outbound = Outbound(text="\n".join(lines), title=title, locale=tr.locale)
        key = f"notices:{notices[0].id}-{notices[-1].id}:{len(notices)}:{person.key}"
        if await enqueue(key, person.identity, outbound, now=now, contact_id=person.contact_id):
            queued += 1
    return queued
