"""Which plan a secretariat's chat command is about.

A secretariat bound to one plan (its person or its group: ``duban invite --role secretariat
--plan X``) always means that plan. The deployment's admin (a secretariat bound to no plan)
sees every plan: with one active plan nothing changes; with several, the command's first word
names the plan (``/status 教育 5``), and a command without one is answered with the plans and
how to name one, never run on a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.conversation.context import Turn
from bot.domain.plan_choice import choose_plan
from bot.people.recipients import plan_scope
from bot.plans.selection import active_plans, listed


@dataclass(frozen=True, slots=True)
class Chosen:
    """The plan a command is about (None: the only one, or none yet) and its other words."""

    plan_id: int | None
    args: str


async def chosen_plan(turn: Turn) -> Chosen | None:
    """The plan of this secretariat command; None when the admin was asked to name one."""
    args = turn.inbound.args.strip()
    scope = plan_scope(turn.contact, turn.chat)
    if scope is not None:
        return Chosen(scope, args)
    plans = await active_plans()
    if len(plans) <= 1:
        return Chosen(None, args)
    first, _, rest = args.partition(" ")
    found = choose_plan(first, plans) if first else []
    if len(found) == 1:
        return Chosen(found[0].id, rest.strip())
    example = f"/{turn.inbound.command} {plans[0].short_name}"
    if first and found:
        turn.reply(
            turn._(
                "“{typed}” may be any of {count} plans: {plans}. Write one of them first, "
                "e.g. “{example}”.",
                typed=first[:40],
                count=len(found),
                plans=listed(found),
                example=example,
            )
        )
    else:
        turn.reply(
            turn._(
                "Which plan? {plans}. Write its short name or number first, e.g. “{example}”.",
                plans=listed(plans),
                example=example,
            )
        )
    return None


def sees_plan(turn: Turn, plan_id: int) -> bool:
    """Whether this secretariat may see or decide about the plan ``plan_id``."""
    scope = plan_scope(turn.contact, turn.chat)
    return scope is None or scope == plan_id
