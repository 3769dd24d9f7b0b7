"""What a plan's monthly reports ask beside the narrative: 存在问题 and 下步打算 (both optional).

Many 调度 forms have the two columns; a plan asks for either, both or neither (the default).
Set with ``duban plan fields PLAN --problems --next-steps``; read by the report flow, which then
asks them after the narrative (each skippable with 无).
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from bot.domain.errors import RefusedError
from bot.domain.messages import N_, msg
from bot.storage.models import AuditLog, Plan


@dataclass(frozen=True, slots=True)
class ReportFields:
    """The optional fields a plan's reports ask for."""

    problems: bool = False  # 存在问题
    next_steps: bool = False  # 下步打算


def fields_of(plan: Plan) -> ReportFields:
    """The fields a loaded plan asks for."""
    return ReportFields(problems=plan.asks_problems, next_steps=plan.asks_next_steps)


async def report_fields(plan_id: int) -> ReportFields:
    """The fields plan ``plan_id`` asks for (none for a plan that does not exist)."""
    plan = await Plan.get_or_none(id=plan_id)
    return fields_of(plan) if plan is not None else ReportFields()


async def set_report_fields(
    plan_id: int,
    *,
    problems: bool | None,
    next_steps: bool | None,
    actor: str,
) -> ReportFields:
    """Ask (or stop asking) for 存在问题 / 下步打算 in plan ``plan_id``'s reports; ``None``
    leaves that field as it is. Refused for a plan not stored or retired."""
    async with in_transaction():
        plan = await Plan.get_or_none(id=plan_id)
        if plan is None or plan.retired_at is not None:
            raise RefusedError(msg(N_("There is no current plan {plan}."), plan=plan_id))
        before = fields_of(plan)
        if problems is not None:
            plan.asks_problems = problems
        if next_steps is not None:
            plan.asks_next_steps = next_steps
        after = fields_of(plan)
        if after != before:
            await plan.save(update_fields=["asks_problems", "asks_next_steps"])
            await AuditLog.create(
                actor=actor,
                action="plan.fields",
                subject=str(plan.id),
                detail={"problems": after.problems, "next_steps": after.next_steps},
            )
    return after
