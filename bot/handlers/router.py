"""The one entry point of the conversation layer: an :class:`Inbound` in, replies out.

Decides who may do what (unknown people, reporters, leaders, the secretariat and its chats)
and hands the inbound to the feature that owns it. Typed answers to numbered choices arrive
here already read as button presses by their channel (``bot.delivery.choices``).
"""

from __future__ import annotations

from bot.domain.conversation import Inbound, Outbound
from bot.domain.payloads import PayloadError, decode
from bot.handlers import bind, oversight, queries, report, secretariat, summary
from bot.handlers.context import Deps, Turn
from bot.services.binding import Role
from bot.services.errors import RefusedError

SECRETARIAT_COMMANDS = {
    "contacts": secretariat.contacts,
    "revoke": secretariat.revoke,
    "digest": oversight.digest,
    "status": oversight.status,
    "overdue": oversight.overdue,
    "nudge": oversight.nudge,
    "export": oversight.export,
}


async def handle(inbound: Inbound, deps: Deps) -> list[Outbound]:
    """Handle one inbound; the replies are returned for the caller to queue in the outbox."""
    turn = await Turn.load(inbound, deps)
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
        await bind.start(turn) if inbound.command == "start" else turn.reply(
            bind.help_text(turn) if turn.contact else _hint_text(turn)
        )
        return
    if turn.contact is None:
        bind.hint(turn)
        return
    if inbound.kind == "command":
        await _command(turn)
    elif inbound.kind == "button":
        await _button(turn)
    elif inbound.kind == "text" and turn.flow in (summary.REWRITE_FLOW, summary.RETURN_FLOW):
        await summary.on_text(turn, inbound.text)
    elif turn.contact.role != Role.REPORTER:
        turn.reply(bind.help_text(turn))
    elif inbound.kind == "file":
        await report.on_file(turn)
    else:
        await report.on_text(turn, inbound.text)


def _hint_text(turn: Turn) -> str:
    bind.hint(turn)
    return turn.replies.pop().text


async def _command(turn: Turn) -> None:
    assert turn.contact is not None
    name, role = turn.inbound.command, turn.contact.role
    if name == "unbind":
        await bind.leave(turn)
    elif name == "lang":
        await bind.language(turn)
    elif name == "cancel":
        await turn.clear_flow()
        turn.reply(turn._("Cancelled; nothing was saved."))
    elif name in SECRETARIAT_COMMANDS:
        if role != Role.SECRETARIAT:
            turn.reply(turn._("Only the secretariat can use that command."))
            return
        await SECRETARIAT_COMMANDS[name](turn)
    elif name == "history":
        await queries.history(turn)
    elif name == "mytasks" and role in (Role.REPORTER, Role.LEADER):
        await queries.my_tasks(turn)
    elif name == "report" and role == Role.REPORTER:
        await report.show_open(turn)
    elif name in ("mytasks", "report"):
        turn.reply(turn._("That command is for a unit’s reporter."))
        turn.reply(bind.help_text(turn))
    else:
        turn.reply(turn._("Unknown command “{command}”.", command=turn.inbound.command[:30]))
        turn.reply(bind.help_text(turn))


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
    if turn.contact.role != Role.REPORTER:
        turn.reply(turn._("Only your unit’s reporter can report progress."))
        return
    await report.on_button(turn, payload)


async def _group(turn: Turn) -> None:
    """In groups only commands count; a bound secretariat chat gets the secretariat's."""
    inbound = turn.inbound
    if inbound.kind != "command":
        return
    if inbound.command == "start":
        await bind.start(turn)
    elif turn.chat is None:
        if inbound.command == "help":
            turn.reply(
                turn._("This chat is not bound. Send a secretariat code here: “/start CODE”.")
            )
    elif inbound.command in SECRETARIAT_COMMANDS:
        await SECRETARIAT_COMMANDS[inbound.command](turn)
    elif inbound.command == "lang":
        await bind.language(turn)
    elif inbound.command == "history":
        await queries.history(turn)
    elif inbound.command == "help":
        turn.reply(bind.help_text(turn))
