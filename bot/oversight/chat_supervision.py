"""督办单 in chat: the unit's leader or reporter replies with 整改措施 and a date (the notice's
button, then one message, then a confirm card); the secretariat lists notices and replies with
``/supervision`` (督办单). Every press is re-checked (:func:`notice_to_answer`)."""

from __future__ import annotations

from datetime import date

from bot.conversation.context import Handler, Turn
from bot.domain.conversation import Button
from bot.domain.errors import RefusedError
from bot.domain.payloads import Payload, payload
from bot.domain.supervision import notice_number, read_promised_date
from bot.oversight.notice_delivery import REPLY_ACTION
from bot.oversight.notices import list_notices, notice_lines, notice_to_answer, store_reply
from bot.people.recipients import plan_scope

__all__ = ["HANDLERS", "REPLY_ACTION", "REPLY_FLOW", "on_button", "on_text"]

REPLY_FLOW = "supervision-reply"
LISTED = 20  # notices /supervision shows, newest first


async def on_button(turn: Turn, p: Payload) -> None:
    """``j:N`` opens the reply to notice N; ``j:N:1`` submits the reply read, ``j:N:0`` drops it."""
    assert turn.contact is not None
    notice_id = p.args[0] if p.args else 0
    notice = await notice_to_answer(turn.contact, notice_id)
    number = notice_number(notice.prefix, notice.year, notice.number)
    if len(p.args) == 1:
        await turn.set_flow(REPLY_FLOW, {"notice": notice.id})
        turn.reply(
            turn._(
                "Supervision notice {number}: send your rectification measures and the date "
                "they will be done by in one message, e.g. “召开专题会议，12月15日前完成”.",
                number=number,
            ),
            free_input=True,
        )
        return
    data = turn.data
    if turn.flow != REPLY_FLOW or data.get("notice") != notice.id or "measures" not in data:
        turn.refuse(turn._("That button is no longer valid."))
        return
    await turn.clear_flow()
    if p.args[1] != 1:
        turn.reply(turn._("Not sent; the notice still waits for your reply."))
        return
    await store_reply(
        turn.contact,
        notice.id,
        str(data["measures"]),
        date.fromisoformat(str(data["promised"])),
        now=turn.now,
    )
    turn.reply(
        turn._(
            "Your reply to supervision notice {number} is stored; the secretariat has it.",
            number=number,
        )
    )


async def on_text(turn: Turn, text: str) -> None:
    """The measures and a date, in one message: read, then shown on a confirm card."""
    assert turn.contact is not None
    try:
        notice = await notice_to_answer(turn.contact, int(turn.data.get("notice", 0)))
    except RefusedError:
        await turn.clear_flow()  # answered meanwhile: the next text is not taken for it
        raise
    measures = text.strip()
    promised = read_promised_date(measures, turn.today)
    if promised is None:
        turn.reply(
            turn._(
                "Please add the date the measures will be done by (today or later), "
                "e.g. 12月15日 or 2026-12-15."
            ),
            free_input=True,
        )
        return
    await turn.set_flow(
        REPLY_FLOW,
        {"notice": notice.id, "measures": measures, "promised": promised.isoformat()},
    )
    submit = Button(turn._("Submit"), payload(REPLY_ACTION, notice.id, 1))
    cancel = Button(turn._("Cancel"), payload(REPLY_ACTION, notice.id, 0))
    turn.reply(
        turn._(
            "Rectification measures for supervision notice {number}:\n{measures}\n"
            "To be done by: {date}\nSubmit?",
            number=notice_number(notice.prefix, notice.year, notice.number),
            measures=measures,
            date=promised.isoformat(),
        ),
        buttons=((submit, cancel),),
    )


async def supervision(turn: Turn) -> None:
    """``/supervision`` (督办单): the latest notices, each with its reply or the date it is due."""
    views = await list_notices(plan_id=plan_scope(turn.contact, turn.chat))  # admins: all
    if not views:
        turn.reply(turn._("No supervision notices have been issued."))
        return
    lines = notice_lines(turn.tr, views[:LISTED])
    turn.reply("\n".join(lines), title=turn._("Supervision notices (督办单)"))


HANDLERS: dict[str, Handler] = {"supervision": supervision}
