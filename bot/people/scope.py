"""Which plan a secretariat's chat command is about.

A secretariat bound to one plan (its person or its group: ``duban invite --role secretariat
--plan X``) always means that plan. The deployment's admin (a secretariat bound to no plan)
sees every plan: with one active plan nothing changes; with several, the command's first word
names the plan (``/status 教育 5``, ``状态 教育 5``), and a command without one is answered with
a button per plan (the plans and how to name one in its text, for channels that list them),
never run on a guess. The command and its other words wait with the question in the asker's
conversation state; pressing a plan runs them for it (:func:`pressed_plan`), a stale or forged
press is refused with one sentence.

The word form of a command followed by a plan's exact short name or number (``汇总 教育``,
``逾期 2``) is that command with its plan (:func:`word_form`): any other text starting with a
command word stays text. :func:`plan_first` reads the word form of a command of any role the
same way when the plan comes before a required argument (``历史 教育 3``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace

from bot.conversation.context import Turn
from bot.domain.conversation import Button, Inbound
from bot.domain.payloads import MAX_ID, Payload, payload
from bot.domain.plan_choice import PlanRef, choose_plan
from bot.people.recipients import plan_scope
from bot.plans.selection import active_plans, listed

PLAN_ACTION = "o"  # a plan pressed under "Which plan?": o:<plan>:<question>
_ASKED = "plan_question"  # the question waiting in the conversation state's data


@dataclass(frozen=True, slots=True)
class Chosen:
    """The plan a command is about (None: the only one, or none yet) and its other words."""

    plan_id: int | None
    args: str


def _named(word: str, plans: list[PlanRef]) -> PlanRef | None:
    """The active plan ``word`` names exactly: its short name (any case) or its number."""
    key = word.casefold()
    return next((p for p in plans if key in (p.short_name.casefold(), str(p.id))), None)


async def chosen_plan(turn: Turn) -> Chosen | None:
    """The plan of this secretariat command; None when the person was asked to choose one."""
    args = turn.inbound.args.strip()
    first, _, rest = args.partition(" ")
    scope = plan_scope(turn.contact, turn.chat)
    plans = await active_plans()
    if scope is not None or len(plans) <= 1:
        # its own plan's short name may be written all the same (a number is a task or month)
        named = _named(first, plans) if first and not first.isdigit() else None
        own = scope if scope is not None else (plans[0].id if plans else None)
        if named is not None and named.id == own:
            args = rest.strip()
        return Chosen(scope, args)
    found = choose_plan(first, plans) if first else []
    if len(found) == 1:
        return Chosen(found[0].id, rest.strip())
    example = f"{_said(turn)} {plans[0].short_name}"
    if first and found:  # a plan's name, unclear: the rest are the command's own words
        text = turn._(
            "“{typed}” may be any of {count} plans: {plans}. Write one of them first, "
            "e.g. “{example}”.",
            typed=first[:40],
            count=len(found),
            plans=listed(found),
            example=example,
        )
        await ask_plan(turn, text, found, rest.strip())
    else:
        text = turn._(
            "Which plan? {plans}. Write its short name or number first, e.g. “{example}”.",
            plans=listed(plans),
            example=example,
        )
        await ask_plan(turn, text, plans, args)
    return None


def _said(turn: Turn) -> str:
    """The command as the person wrote it: ``/digest``, or the word they used (``汇总``)."""
    inbound = turn.inbound
    command = turn.commands.by_name.get(inbound.command)
    typed = inbound.text.strip()
    words = [w for w in command.words if typed.startswith(w)] if command else []
    return max(words, key=len) if words and inbound.kind == "command" else f"/{inbound.command}"


async def ask_plan(turn: Turn, text: str, plans: list[PlanRef], args: str) -> None:
    """Ask which plan, with a button per plan; the command waits with the question (its
    other words ``args``): a press runs it for that plan (:func:`pressed_plan`)."""
    question = secrets.randbelow(MAX_ID) + 1
    waiting = {
        "command": turn.inbound.command,
        "args": args,
        "plans": [p.id for p in plans],
        "question": question,
    }
    await turn.set_flow(turn.flow, {**turn.data, _ASKED: waiting})  # the flow in progress stays
    buttons = tuple((Button(p.short_name, payload(PLAN_ACTION, p.id, question)),) for p in plans)
    turn.reply(text, buttons=buttons)


async def pressed_plan(turn: Turn, pressed: Payload) -> Inbound | None:
    """The command a plan's button stands for, as if typed with the plan's number first;
    None (refused with one sentence) when the question is no longer open: answered, asked
    again since, forged, or the plan retired or no longer this person's."""
    waiting = turn.data.get(_ASKED)
    plan_id, question = pressed.args if len(pressed.args) == 2 else (0, 0)
    if (
        not isinstance(waiting, dict)
        or waiting.get("question") != question
        or plan_id not in waiting.get("plans", ())
        or plan_id not in {p.id for p in await active_plans()}
        or not sees_plan(turn, plan_id)
    ):
        turn.refuse(turn._("That choice is no longer open; send the command again."))
        return None
    data = turn.data
    del data[_ASKED]
    await turn.set_flow(turn.flow, data)
    args = f"{plan_id} {waiting.get('args', '')}".strip()
    return replace(turn.inbound, command=str(waiting["command"]), args=args)


async def word_form(turn: Turn) -> Inbound | None:
    """Typed text as the command with its plan (``汇总 教育``), when its first word after the
    command's word names an active plan exactly and the rest is the command's own argument."""
    found = turn.commands.with_plan(turn.inbound.text)
    if found is None:
        return None
    command, first, rest = found
    return await _with_plan(turn, command.name, first, rest)


async def plan_first(turn: Turn, name: str) -> Inbound | None:
    """Typed text as the command ``name`` (any role's) with a plan before its argument
    (``历史 教育 3``), when that word names an active plan exactly and the argument follows."""
    found = turn.commands.with_plan_first(turn.inbound.text, name)
    return None if found is None else await _with_plan(turn, name, *found)


async def _with_plan(turn: Turn, name: str, first: str, rest: str) -> Inbound | None:
    """The inbound as the command ``name`` with its words, when ``first`` names an active plan."""
    if _named(first, await active_plans()) is None:
        return None
    args = f"{first} {rest}".strip()
    return replace(turn.inbound, kind="command", command=name, args=args)


def sees_plan(turn: Turn, plan_id: int) -> bool:
    """Whether this secretariat may see or decide about the plan ``plan_id``."""
    scope = plan_scope(turn.contact, turn.chat)
    return scope is None or scope == plan_id
