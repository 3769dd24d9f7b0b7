"""Deadline extensions in chat (延期申请): ``/extend N DATE reason`` by a lead unit's reporter
(the reason is asked when it is missing), the leader's 同意/不同意 and the secretariat's
approve/refuse buttons (a refusal asks for its comment). Every press is re-checked by the
use cases in ``bot.cadence.extensions``."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.cadence.extensions import (
    check_pending,
    check_request,
    decide,
    endorse,
    request_extension,
)
from bot.conversation.context import Handler, Turn
from bot.domain.errors import RefusedError
from bot.domain.payloads import Payload
from bot.reporting import chat_read as read

ACTIONS = frozenset("gh")
REASON_FLOW = "extension-reason"
REFUSE_FLOW = "extension-refuse"
FLOWS = frozenset({REASON_FLOW, REFUSE_FLOW})
REASON_WAIT = timedelta(minutes=30)  # a reason asked for and not given by then is dropped


def _usage(turn: Turn) -> None:
    turn.reply(turn._("Write “/extend N YYYY-MM-DD reason”, e.g. /extend 5 2027-03-31 审批延后."))


async def extend(turn: Turn) -> None:
    """``/extend N DATE [reason]``: checked at once; without a reason the reason is asked."""
    assert turn.contact is not None
    parts = turn.inbound.args.split(maxsplit=2)
    if len(parts) < 2:
        _usage(turn)
        return
    number, day = parts[0], parts[1]
    if len(parts) == 3:
        await _ask(turn, number, day, parts[2])
        return
    await check_request(turn.contact, number, day, today=turn.today)
    await turn.set_flow(REASON_FLOW, {"task": number, "day": day, "at": turn.now.isoformat()})
    turn.reply(turn._("Why does it need more time? Write the reason in one message."),
               free_input=True)  # fmt: skip


async def _ask(turn: Turn, number: str, day: str, reason: str) -> None:
    assert turn.contact is not None
    view = await request_extension(
        turn.contact, number, day, reason, now=turn.now, today=turn.today
    )
    turn.reply(
        turn._(
            "Asked to extend task {number} to {new}; your leader is asked to endorse it.",
            number=view.number,
            new=view.new.isoformat(),
        )
    )


async def on_button(turn: Turn, p: Payload) -> None:
    """g: the leader endorses (1) or not (0); h: the secretariat approves (1) or refuses (0)."""
    assert turn.contact is not None
    if len(p.args) != 2 or p.args[1] not in (0, 1):
        turn.refuse(turn._("That button is not valid."))
        return
    extension_id, yes = p.args[0], p.args[1] == 1
    if p.action == "g":
        await endorse(turn.contact, extension_id, agree=yes, now=turn.now)
        if yes:
            turn.reply(turn._("Endorsed; the request has gone to the secretariat."))
        else:
            turn.reply(turn._("Not endorsed; the reporter is told."))
        return
    if turn.contact.role != "secretariat":
        turn.refuse(turn._("Only the secretariat can approve or refuse an extension."))
        return
    if yes:
        view = await decide(extension_id, approve=True, now=turn.now, by=turn.contact)
        turn.reply(
            turn._(
                "Approved: task {number}’s deadline is now {new} (was {old}).",
                number=view.number,
                new=view.new.isoformat(),
                old=view.old.isoformat() if view.old else "—",
            )
        )
        return
    await check_pending(extension_id)  # a stale card is refused before a comment is asked
    await turn.set_flow(REFUSE_FLOW, {"extension": extension_id})
    turn.reply(turn._("Write why it is refused; the unit will see it."), free_input=True)


async def on_text(turn: Turn, text: str) -> None:
    """The reason (a reporter) or the refusal's comment (the secretariat)."""
    assert turn.contact is not None
    data = turn.data
    asked = datetime.fromisoformat(str(data.get("at") or turn.now.isoformat()))
    if turn.flow == REASON_FLOW and turn.now - asked > REASON_WAIT:
        await turn.clear_flow()  # the reason was never given: this text is a report again
        await read.on_text(turn, text)
        return
    try:
        if turn.flow == REASON_FLOW:
            await _ask(turn, str(data.get("task", "")), str(data.get("day", "")), text)
        else:
            extension_id = int(data.get("extension", 0))
            view = await decide(
                extension_id, approve=False, now=turn.now, by=turn.contact, comment=text
            )
            turn.reply(turn._("Refused; {unit} is told your comment.", unit=view.unit))
    except RefusedError:
        await turn.clear_flow()  # the request moved on: the next text is not taken for it
        raise
    await turn.clear_flow()


HANDLERS: dict[str, Handler] = {"extend": extend}
