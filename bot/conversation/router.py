"""The one entry point of the conversation layer: an :class:`Inbound` in, replies out.

Decides who may do what (unknown people, reporters, leaders, the secretariat and its chats)
and hands the inbound to the feature that owns it. Typed answers to numbered choices arrive
here already read as button presses by their channel (``bot.delivery.choices``).
"""

from __future__ import annotations

from bot.conversation.context import Deps, Handler, Turn
from bot.conversation.registry import REGISTRY
from bot.domain.commands import SECRETARIAT, allowed
from bot.domain.conversation import Inbound, Outbound
from bot.domain.errors import RefusedError
from bot.domain.payloads import PayloadError, decode
from bot.oversight import chat as oversight
from bot.people import chat as people
from bot.people import chat_contacts as contacts
from bot.people.binding import ContactRole
from bot.reporting import chat as report
from bot.reporting import chat_queries as queries
from bot.summaries import chat as summary

# The handler of each declared command, from the feature that declares it.
HANDLERS: dict[str, Handler] = {
    **people.HANDLERS,
    **report.HANDLERS,
    **queries.HANDLERS,
    **contacts.HANDLERS,
    **oversight.HANDLERS,
}
if set(HANDLERS) != set(REGISTRY.by_name):  # a declaration without a handler, or the reverse
    raise RuntimeError(f"commands and handlers differ: {set(HANDLERS) ^ set(REGISTRY.by_name)}")


async def handle(inbound: Inbound, deps: Deps) -> list[Outbound]:
    """Handle one inbound; the replies are returned for the caller to queue in the outbox."""
    turn = await Turn.load(inbound, deps, REGISTRY)
    try:
        await _route(turn)
    except RefusedError as refused:
        turn.reply(turn.say(refused.message))
    return turn.replies


async def _route(turn: Turn) -> None:
    inbound = turn.inbound
    if inbound.is_group:
        await _group(turn)
        return
    if inbound.kind == "command" and inbound.command in ("start", "help"):
        await HANDLERS[inbound.command](turn)
        return
    if turn.contact is None:
        people.hint(turn)
        return
    if inbound.kind == "command":
        await _command(turn)
    elif inbound.kind == "button":
        await _button(turn)
    elif inbound.kind == "text" and turn.flow in (summary.REWRITE_FLOW, summary.RETURN_FLOW):
        await summary.on_text(turn, inbound.text)
    elif turn.contact.role != ContactRole.REPORTER:
        turn.reply(people.help_text(turn))
    elif inbound.kind == "file":
        await report.on_file(turn)
    else:
        await report.on_text(turn, inbound.text)


async def _command(turn: Turn) -> None:
    assert turn.contact is not None
    command = REGISTRY.by_name.get(turn.inbound.command)
    if command is None:
        turn.reply(turn._("Unknown command “{command}”.", command=turn.inbound.command[:30]))
        turn.reply(people.help_text(turn))
        return
    if not allowed(command, turn.contact.role, in_group=False):
        if command.roles == {SECRETARIAT}:
            turn.reply(turn._("Only the secretariat can use that command."))
        else:
            turn.reply(turn._("That command is for a unit’s reporter."))
            turn.reply(people.help_text(turn))
        return
    await HANDLERS[command.name](turn)


async def _button(turn: Turn) -> None:
    assert turn.contact is not None
    try:
        payload = decode(turn.inbound.payload)
    except PayloadError:
        turn.reply(turn._("That button is not valid."))
        return
    if payload.action in summary.SUMMARY_ACTIONS:
        await summary.on_button(turn, payload)
        return
    if turn.contact.role != ContactRole.REPORTER:
        turn.reply(turn._("Only your unit’s reporter can report progress."))
        return
    await report.on_button(turn, payload)


async def _group(turn: Turn) -> None:
    """In groups only commands count; a bound secretariat chat gets the secretariat's."""
    command = REGISTRY.by_name.get(turn.inbound.command) if turn.inbound.kind == "command" else None
    if command is None:
        return
    if command.name in ("start", "help") or (
        turn.chat is not None and allowed(command, SECRETARIAT, in_group=True)
    ):
        await HANDLERS[command.name](turn)
