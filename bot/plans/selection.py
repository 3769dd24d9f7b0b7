"""Which plan a command is about: named by the person, else the only active one, never a guess.

With one active plan nothing needs naming. With several, a command that needs a plan and was
given none is refused with one sentence listing them (the chat asks with buttons instead), and
what was typed (number, short name, a piece of the title) is read by
:func:`bot.domain.plan_choice.choose_plan`.
"""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from bot.domain.errors import RefusedError
from bot.domain.messages import N_, Message, msg
from bot.domain.plan_choice import PlanRef, choose_plan, clean_short_name, default_short_name
from bot.storage.models import AuditLog, Plan

MAX_PLAN_ID = 2**31


def plan_ref(plan: Plan) -> PlanRef:
    """The stored plan as a :class:`PlanRef` (a plan imported before short names: its id)."""
    return PlanRef(plan.id, plan.short_name or str(plan.id), plan.title)


async def active_plans() -> list[PlanRef]:
    """The active plans, oldest first."""
    rows = (
        await Plan.filter(retired_at=None).order_by("id").values_list("id", "short_name", "title")
    )
    return [PlanRef(i, s or str(i), t) for i, s, t in rows]


def listed(plans: list[PlanRef]) -> str:
    """The plans as one sentence names them: ``1 营商（…）；2 教育（…）``."""
    return "；".join(p.label() for p in plans)


def several_plans(plans: list[PlanRef]) -> Message:
    """The sentence refusing to guess among several active plans."""
    return msg(
        N_("{count} plans are active: {plans}. Say which one by its number or short name."),
        count=len(plans),
        plans=listed(plans),
    )


async def plan_for(plan_id: int | None = None) -> Plan | None:
    """The plan ``plan_id``, else the only active plan; None when there is none.

    Refused when no id is given and several plans are active: the caller names one.
    """
    if plan_id is not None:
        return await Plan.get_or_none(id=plan_id) if 0 < plan_id < MAX_PLAN_ID else None
    found = await Plan.filter(retired_at=None).order_by("id").limit(2)
    if len(found) > 1:
        raise RefusedError(several_plans(await active_plans()))
    return found[0] if found else None


async def find_plan(typed: str) -> PlanRef:
    """The active plan ``typed`` names; one sentence when none or several match."""
    plans = await active_plans()
    if typed.strip().isdigit():  # a number names a retired plan too
        plan = await Plan.get_or_none(id=int(typed)) if 0 < int(typed) < MAX_PLAN_ID else None
        if plan is not None:
            return plan_ref(plan)
    matches = choose_plan(typed, plans)
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise RefusedError(
            msg(
                N_("“{typed}” may be any of {count} plans: {plans}. Name one by its number."),
                typed=typed[:40],
                count=len(matches),
                plans=listed(matches),
            )
        )
    raise RefusedError(
        msg(
            N_("There is no plan “{typed}”; the plans: {plans}."),
            typed=typed[:40],
            plans=listed(plans),
        )
        if plans
        else msg(N_("No plan has been imported yet; run “duban import FILE” first."))
    )


async def taken_short_names(but: int | None = None) -> list[str]:
    """The short names in use (by every plan but ``but``)."""
    query = Plan.exclude(short_name=None)
    if but is not None:
        query = query.exclude(id=but)
    return [row["short_name"] for row in await query.values("short_name")]


async def name_new_plan(plan: Plan) -> None:
    """Give a freshly imported plan its default short name (a short form of its title)."""
    if plan.short_name:
        return
    plan.short_name = default_short_name(plan.title, await taken_short_names(plan.id))
    await plan.save(update_fields=["short_name"])


async def rename_plan(typed: str, name: str, *, actor: str = "cli") -> PlanRef:
    """Give the plan ``typed`` names the short name ``name`` (refused when another has it)."""
    found = await find_plan(typed)
    short = clean_short_name(name)
    if short is None:
        raise RefusedError(
            msg(
                N_(
                    "“{name}” cannot be a short name: up to 40 characters, no spaces, "
                    "not only digits."
                ),
                name=name[:60],
            )
        )
    if short.casefold() in {t.casefold() for t in await taken_short_names(found.id)}:
        raise RefusedError(msg(N_("Another plan is already called “{name}”."), name=short))
    try:
        async with in_transaction():
            await Plan.filter(id=found.id).update(short_name=short)
            await AuditLog.create(
                actor=actor,
                action="plan.rename",
                subject=str(found.id),
                detail={"from": found.short_name, "to": short},
            )
    except IntegrityError as exc:  # renamed by another process meanwhile
        raise RefusedError(msg(N_("Another plan is already called “{name}”."), name=short)) from exc
    return PlanRef(found.id, short, found.title)
