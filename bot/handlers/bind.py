"""Binding and leaving: ``/start CODE`` (绑定 CODE), ``/unbind``, ``/help``, the unbound hint."""

from __future__ import annotations

from bot.domain.messages import N_, msg
from bot.handlers.context import Turn
from bot.i18n import Translator, normalise_locale
from bot.services.binding import ROLE_LABELS, Role, redeem_invite, unbind
from bot.services.errors import RefusedError


def hint(turn: Turn) -> None:
    """What an unknown person gets, whatever they sent: how to bind, nothing else."""
    turn.reply(
        turn._(
            "You are not bound to a unit yet. Ask the secretariat (秘书组) for a bind code, "
            "then send “/start CODE” (Telegram) or “绑定 CODE” (WeCom)."
        )
    )


def help_text(turn: Turn) -> str:
    """The commands the speaker may use, by role."""
    role = turn.contact.role if turn.contact else ("secretariat" if turn.chat else "")
    lines = [turn._("Commands:")]
    if role == Role.REPORTER:
        lines += [
            turn._("/report (报送) — report progress on your unit’s open requests"),
            turn._("/mytasks (我的任务) — your unit’s tasks and their last status"),
            turn._("/history N (历史 N) — the reports on task N"),
            turn._("/cancel (取消) — abandon the report you are writing"),
            turn._("Or simply write your progress: I will ask which task it is for."),
        ]
    elif role == Role.LEADER:
        lines += [
            turn._("/mytasks (我的任务) — your unit’s tasks and their last status"),
            turn._("/history N (历史 N) — the reports on task N"),
        ]
    elif role == Role.SECRETARIAT:
        lines += [
            turn._("/history N (历史 N) — every unit’s reports on task N"),
            turn._("/contacts (联系人) — who is bound, with their numbers"),
            turn._("/revoke N (撤销 N) — end the binding of contact N"),
            turn._("/digest [YYYY-MM] (汇总) — the monthly digest with the filled table"),
            turn._("/status [N|unit] (状态) — lights, one task, or one unit"),
            turn._("/overdue (逾期) — tasks past their deadline, units past the due day"),
            turn._("/nudge (一键催办) — remind every unit that has not reported"),
            turn._("/export [xlsx|docx|png] (导出) — the table, the written material, the chart"),
        ]
    lines.append(turn._("/lang zh_CN|zh_TW|en (语言) — the language I write in"))
    if turn.contact:
        lines.append(
            turn._(
                "/unbind (解绑) — stop receiving messages as {role}",
                role=turn._(ROLE_LABELS[Role(role)]),
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
    try:
        outcome, _bound = await redeem_invite(
            code,
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
    fresh = await Turn.load(turn.inbound, turn.deps)  # the new binding decides locale and help
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
    target.locale = normalised
    await target.save(update_fields=["locale"])
    turn.tr = Translator(normalised)
    turn.reply(turn._("Language set: English.") if normalised == "en" else turn._("Language set."))
