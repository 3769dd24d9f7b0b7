"""Closing a task in chat (销号): ``/close N`` (or the button after a lead unit's 已完成 report)
asks the secretariat; its 确认销号 closes the task, its 退回 asks for the comment the unit
hears. Every press is re-checked by the use cases in ``bot.oversight.closing``."""

from __future__ import annotations

from bot.conversation.context import Handler, Turn
from bot.domain.errors import RefusedError
from bot.domain.payloads import Payload
from bot.oversight.closing import decide_closure, pending_closure, request_closure, task_of_request

ACTIONS = frozenset("zq")
RETURN_FLOW = "closure-return"
FLOWS = frozenset({RETURN_FLOW})


async def _ask(turn: Turn, number: str) -> None:
    assert turn.contact is not None
    view = await request_closure(turn.contact, number, now=turn.now)
    turn.reply(turn._("Asked the secretariat to close task {number} (销号).", number=view.number))


async def close(turn: Turn) -> None:
    """``/close N`` (销号 N): the lead unit asks to close task N."""
    number = turn.inbound.args.strip()
    if not number:
        turn.reply(turn._("Write “/close N” with the number of the task your unit completed."))
        return
    await _ask(turn, number)


async def on_button(turn: Turn, p: Payload) -> None:
    """z: a lead unit asks to close a request's task; q: the secretariat closes (1) or sends
    it back (0)."""
    assert turn.contact is not None
    if p.action == "z" and len(p.args) == 1:
        await _ask(turn, await task_of_request(turn.contact, p.args[0]))
        return
    if p.action != "q" or len(p.args) != 2 or p.args[1] not in (0, 1):
        turn.refuse(turn._("That button is not valid."))
        return
    if turn.contact.role != "secretariat":
        turn.refuse(turn._("Only the secretariat can close a task or send it back."))
        return
    if p.args[1] == 1:
        view = await decide_closure(p.args[0], close=True, now=turn.now, by=turn.contact)
        turn.reply(turn._("Task {number} is closed (销号).", number=view.number))
        return
    await pending_closure(p.args[0])  # a stale card is refused before a comment is asked
    await turn.set_flow(RETURN_FLOW, {"closure": p.args[0]})
    turn.reply(turn._("Write why it is sent back; the unit will see it."), free_input=True)


async def on_text(turn: Turn, text: str) -> None:
    """The comment of a request sent back (退回)."""
    assert turn.contact is not None
    try:
        view = await decide_closure(
            int(turn.data.get("closure", 0)), close=False, now=turn.now, by=turn.contact,
            comment=text,
        )  # fmt: skip
    except RefusedError:
        await turn.clear_flow()  # the request moved on: the next text is not taken for it
        raise
    await turn.clear_flow()
    turn.reply(turn._("Sent back; {unit} is told your comment.", unit=view.unit))


HANDLERS: dict[str, Handler] = {"close": close}
