"""Binding and leaving: ``/start CODE`` (绑定 CODE), ``/unbind``, ``/lang``, ``/help``, the hint."""

from __future__ import annotations

from bot.conversation.context import Handler, Turn
from bot.domain.commands import SECRETARIAT
from bot.domain.conversation import Button
from bot.domain.errors import RefusedError
from bot.domain.messages import N_, msg
from bot.domain.payloads import Payload, payload
from bot.i18n import Translator, normalise_locale
from bot.people.binding import (
    ROLE_LABELS,
    ContactRole,
    code_hash,
    peek_invite,
    redeem_invite,
    set_locale,
    unbind,
)

REBIND_FLOW = "rebind"  # a second code from someone bound already: asked before it is used


def hint(turn: Turn) -> None:
    """What an unknown person gets, whatever they sent: how to bind, nothing else."""
    turn.reply(
        turn._(
            "You are not bound to a unit yet. Ask the secretariat (秘书组) for a bind code, "
            "then send “/start CODE” (Telegram) or “绑定 CODE” (WeCom)."
        )
    )


def usage_line(line: str, name: str) -> str:
    """The slash command beside the word: ``汇总（/digest） [YYYY-MM] — …`` (a Telegram group
    with privacy mode sees only slash commands); a line that starts with it stays as it is."""
    if line.startswith("/"):
        return line
    word, space, rest = line.partition(" ")
    return f"{word}（/{name}）{space}{rest}"


def help_text(turn: Turn) -> str:
    """The commands the speaker may use here, by role, from the command declarations."""
    in_group = turn.inbound.is_group and turn.chat is not None
    role = SECRETARIAT if in_group else (turn.contact.role if turn.contact else "")
    lines = [turn._("Commands:")]
    label = turn._(ROLE_LABELS[ContactRole(role)]) if role else ""
    for c in turn.commands.for_role(role, in_group=in_group):
        if c.name in ("start", "help"):
            continue
        lines.append(usage_line(turn._(c.usage, role=label), c.name))
    if role == ContactRole.REPORTER:
        lines.append(
            turn._(
                "Or simply write your progress, several tasks in one message if you like "
                "(“第3项 已完成……”): I read the task and status and ask you to confirm."
            )
        )
    return "\n".join(lines)


async def start(turn: Turn) -> None:
    """``/start CODE``: redeem a code; ``/start`` alone greets or hints."""
    code = turn.inbound.args
    if not code:
        if turn.contact or turn.chat:
            turn.reply(help_text(turn))
        elif not turn.inbound.is_group:
            hint(turn)
        return
    if turn.contact is not None and not turn.inbound.is_group:
        target = await peek_invite(code, now=turn.now)
        if target is not None:  # binding a second role (or unit) ends the first: asked
            await _ask_rebind(turn, code, target)
            return
    await _redeem(turn, code)


async def _ask_rebind(turn: Turn, code: str, target: tuple[str | None, ContactRole]) -> None:
    assert turn.contact is not None
    unit, role = target
    now_as = turn._(ROLE_LABELS[ContactRole(turn.contact.role)])
    if turn.contact.unit is not None:
        now_as += f" · {turn.contact.unit.name}"
    then_as = turn._(ROLE_LABELS[role]) + (f" · {unit}" if unit else "")
    await turn.set_flow(REBIND_FLOW, {"invite": code_hash(code)})  # never the code itself
    turn.reply(
        turn._(
            "You are bound as {now}. This code would end that binding and bind you as "
            "{then}. Use it?",
            now=now_as,
            then=then_as,
        ),
        buttons=(
            (Button(turn._("Yes, use the new code"), payload("b", 1)),),
            (Button(turn._("No, keep my binding"), payload("b", 0)),),
        ),
    )


async def on_rebind(turn: Turn, p: Payload) -> None:
    """``b``: use the second code after all (1), or keep the binding (0)."""
    digest = str(turn.data.get("invite", "")) if turn.flow == REBIND_FLOW else ""
    if not digest or not p.args:
        turn.refuse(turn._("That button belongs to a report that is finished or was cancelled."))
        return
    await turn.clear_flow()
    if p.args[0] != 1:
        turn.reply(turn._("Your binding stays as it was."))
        return
    await _redeem(turn, digest, hashed=True)


async def _redeem(turn: Turn, code: str, *, hashed: bool = False) -> None:
    try:
        outcome, _bound = await redeem_invite(
            code,
            hashed=hashed,
            identity=turn.inbound.identity,
            channel=turn.inbound.channel,
            display_name=turn.inbound.display_name,
            chat_identity=turn.inbound.chat_identity,
            is_group=turn.inbound.is_group,
            now=turn.now,
        )
    except RefusedError as refused:
        turn.reply(turn.say(refused.message))
        return
    await turn.clear_flow()
    # the new binding decides the locale and the help
    fresh = await Turn.load(turn.inbound, turn.deps, turn.commands)
    role = fresh._(ROLE_LABELS[outcome.role])
    if outcome.chat:
        fresh.reply(
            fresh._(
                "This chat is now bound as the secretariat’s chat: digests will be posted here."
            )
        )
    elif outcome.unit:
        fresh.reply(fresh._("Bound: you are the {role} of {unit}.", role=role, unit=outcome.unit))
    else:
        fresh.reply(fresh._("Bound: you are a member of the secretariat."))
    if outcome.replaced is not None:
        fresh.reply(
            fresh._("Your earlier binding ({unit}) has ended.", unit=outcome.replaced or "—")
        )
    fresh.reply(help_text(fresh))
    turn.replies.extend(fresh.replies)


async def leave(turn: Turn) -> None:
    """``/unbind``: the person stops receiving messages for the unit."""
    if turn.contact is None:
        hint(turn)
        return
    unit = turn.contact.unit.name if turn.contact.unit else ""
    await unbind(turn.contact, now=turn.now, actor=turn.inbound.identity)
    turn.state = None
    turn.reply(
        turn.say(
            msg(
                N_("You are no longer bound{unit}. Send a new code to bind again."),
                unit=f" ({unit})" if unit else "",
            )
        )
    )


async def language(turn: Turn) -> None:
    """``/lang zh_CN|zh_TW|en``: the language of everything sent to this person (or chat)."""
    choice = turn.inbound.args.strip()
    if not choice.lower().startswith(("zh", "en")):
        turn.reply(
            turn._(
                "Choose a language: /lang zh_CN (简体中文), /lang zh_TW (繁體中文), "
                "/lang en (English)."
            )
        )
        return
    normalised = normalise_locale(choice)
    target = turn.chat if turn.inbound.is_group and turn.chat else turn.contact
    if target is None:
        hint(turn)
        return
    await set_locale(target, normalised)
    turn.tr = Translator(normalised)
    turn.reply(turn._("Language set: English.") if normalised == "en" else turn._("Language set."))


async def show_help(turn: Turn) -> None:
    """``/help``: the speaker's commands; in an unbound group or to a stranger, how to bind."""
    if turn.inbound.is_group and turn.chat is None:
        turn.reply(turn._("This chat is not bound. Send a secretariat code here: “/start CODE”."))
    elif not turn.inbound.is_group and turn.contact is None:
        hint(turn)
    else:
        turn.reply(help_text(turn))


HANDLERS: dict[str, Handler] = {
    "start": start,
    "lang": language,
    "unbind": leave,
    "help": show_help,
}
