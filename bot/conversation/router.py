"""The one entry point of the conversation layer: an :class:`Inbound` in, replies out.

Decides who may do what (unknown people, reporters, leaders, the secretariat and its chats)
and hands the inbound to the feature that owns it. Typed answers to numbered choices arrive
here already read as button presses by their channel (``bot.delivery.choices``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.board import chat as board
from bot.cadence import chat_extensions as extensions
from bot.conversation.context import Deps, Handler, PendingStates, Turn
from bot.conversation.registry import REGISTRY
from bot.conversation.speakers import Speaker
from bot.domain.commands import SECRETARIAT, Command, allowed
from bot.domain.conversation import Inbound, Outbound
from bot.domain.errors import RefusedError
from bot.domain.payloads import PayloadError, decode
from bot.oversight import chat as oversight
from bot.oversight import chat_closing as closing
from bot.oversight import chat_supervision as supervision
from bot.people import chat as people
from bot.people import chat_contacts as contacts
from bot.people import scope
from bot.people.binding import ContactRole
from bot.reporting import chat as report
from bot.reporting import chat_queries as queries
from bot.reporting import chat_read as read
from bot.summaries import chat as summary

# The handler of each declared command, from the feature that declares it.
HANDLERS: dict[str, Handler] = {
    **people.HANDLERS,
    **report.HANDLERS,
    **queries.HANDLERS,
    **contacts.HANDLERS,
    **oversight.HANDLERS,
    **board.HANDLERS,
    **supervision.HANDLERS,
    **extensions.HANDLERS,
    **closing.HANDLERS,
}
# The flows that take the next typed text (a rewrite, a reason, a comment), by feature.
TEXT_FLOWS: dict[str, Callable[[Turn, str], Awaitable[None]]] = {
    summary.REWRITE_FLOW: summary.on_text,
    summary.RETURN_FLOW: summary.on_text,
    supervision.REPLY_FLOW: supervision.on_text,
    **dict.fromkeys(extensions.FLOWS, extensions.on_text),
    **dict.fromkeys(closing.FLOWS, closing.on_text),
}
if set(HANDLERS) != set(REGISTRY.by_name):  # a declaration without a handler, or the reverse
    raise RuntimeError(f"commands and handlers differ: {set(HANDLERS) ^ set(REGISTRY.by_name)}")
# Any role's command whose word form may name a plan before its argument (历史 教育 3).
PLAN_FIRST = "history"


async def handle(
    inbound: Inbound,
    deps: Deps,
    speaker: Speaker | None = None,
    states: PendingStates | None = None,
) -> list[Outbound]:
    """Handle one inbound; the replies are returned for the caller to queue in the outbox.
    ``speaker``: who is speaking, when the caller read it with its batch; ``states``: where
    the speaker's new state goes when the caller writes its batch's together
    (:func:`bot.conversation.context.save_states`), instead of being written here."""
    turn = await Turn.load(inbound, deps, REGISTRY, speaker)
    try:
        await _route(turn)
    except RefusedError as refused:
        turn.refuse(turn.say(refused.message))  # a refused press leaves its card as it was
    if states is None:
        await turn.save()  # where the speaker is now, in one statement
    elif (state := turn.unsaved_state()) is not None:
        states.append(state)
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
    if inbound.kind == "command" or await _word_form(turn):
        await _command(turn)
    elif inbound.kind == "button":
        await _button(turn)
    elif inbound.kind in ("voice", "other"):
        read.on_voice(turn)  # nothing stored
    elif inbound.kind == "text" and turn.flow in TEXT_FLOWS:
        await TEXT_FLOWS[turn.flow](turn, inbound.text)
    elif turn.contact.role != ContactRole.REPORTER:
        turn.reply(people.help_text(turn))
    elif inbound.kind == "edit":
        await read.on_edit(turn)
    elif inbound.kind == "file":
        await read.on_file(turn)
    elif turn.flow in ("", report.STASH) and await summary.offer_rewrite(turn, inbound.text):
        return  # a summary waits for a rewritten text: asked which it is
    else:
        await read.on_text(turn, inbound.text)


async def _word_form(turn: Turn) -> bool:
    """Whether text is a command's word form with a plan: a secretariat's (汇总 教育), or anyone's
    ``历史 教育 3``; the inbound is then that command."""
    inbound = turn.inbound
    if inbound.kind != "text" or turn.contact is None:
        return False
    command = None
    if turn.contact.role == ContactRole.SECRETARIAT:  # a report starting with 汇总 stays one
        command = await scope.word_form(turn)
    command = command or await scope.plan_first(turn, PLAN_FIRST)
    if command is not None:
        turn.inbound = command
    return command is not None


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
        turn.refuse(turn._("That button is not valid."))
        return
    if payload.action == "b":
        await people.on_rebind(turn, payload)
        return
    if payload.action == scope.PLAN_ACTION:  # the plan of a secretariat command, chosen
        if command := await scope.pressed_plan(turn, payload):
            turn.inbound = command
            await _command(turn)
        return
    if payload.action in summary.SUMMARY_ACTIONS:
        await summary.on_button(turn, payload)
        return
    if payload.action == supervision.REPLY_ACTION:  # a 督办单's reply: its unit's leader too
        await supervision.on_button(turn, payload)
        return
    if payload.action in extensions.ACTIONS | closing.ACTIONS:
        feature = extensions if payload.action in extensions.ACTIONS else closing
        await feature.on_button(turn, payload)
        return
    if turn.contact.role != ContactRole.REPORTER:
        turn.refuse(turn._("Only your unit’s reporter can report progress."))
        return
    if payload.action == "u":
        await read.on_replace(turn, payload)
        return
    await report.on_button(turn, payload)


# What DUBAN_GROUP_READS_STATUS opens to every member of a bound secretariat group.
GROUP_READABLE: frozenset[str] = frozenset({"status", "overdue"})


async def _group(turn: Turn) -> None:
    """In groups only commands count; in a bound secretariat chat the secretariat's commands
    need the sender's own secretariat binding (a member who never bound is refused)."""
    command = await _group_command(turn)
    if command is None:
        return
    if command.name in ("start", "help"):
        await HANDLERS[command.name](turn)
        return
    if turn.chat is None or not allowed(command, SECRETARIAT, in_group=True):
        return
    own = turn.contact is not None and turn.contact.role == ContactRole.SECRETARIAT
    if own or command.name in turn.deps.group_readable:
        await HANDLERS[command.name](turn)
    else:
        turn.reply(turn._("Only members of the secretariat who bound themselves can do that."))


async def _group_command(turn: Turn) -> Command | None:
    """The command said in a group: typed, its word form with a plan (汇总 教育, 历史 教育 3), or
    a plan pressed under "Which plan?" (by the member who asked; the group's other buttons are
    nobody's); ``turn.inbound`` is then that command."""
    inbound = turn.inbound
    if inbound.kind == "text" and turn.chat is not None:
        found = await scope.word_form(turn) or await scope.plan_first(turn, PLAN_FIRST)
        turn.inbound = found or inbound
    elif inbound.kind == "button" and turn.chat is not None:
        try:
            pressed = decode(inbound.payload)
        except PayloadError:
            return None
        if pressed.action != scope.PLAN_ACTION:
            return None
        found = await scope.pressed_plan(turn, pressed)
        if found is None:
            return None
        turn.inbound = found
        return REGISTRY.by_name.get(found.command)
    if turn.inbound.kind != "command":
        return None
    return REGISTRY.by_name.get(turn.inbound.command)
