"""Unit administration: listing units, adding aliases, merging two names of one unit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.functions import Count
from tortoise.transactions import in_transaction

from bot.domain.messages import N_, msg
from bot.services.errors import RefusedError
from bot.storage.models import Assignment, AuditLog, Contact, Unit, UnitAlias


class UnitError(RefusedError):
    """A unit command that cannot be carried out; ``message`` says why."""


@dataclass(frozen=True, slots=True)
class UnitSummary:
    """A unit with what hangs on it, for ``duban unit list``."""

    name: str
    kind: str
    aliases: list[str]
    lead: int
    responsible: int
    cooperating: int
    contacts: int


async def list_units() -> list[UnitSummary]:
    """Every active unit with its aliases, task counts per role and contact count."""
    units = await Unit.filter(retired_at=None).order_by("name")
    counts: dict[tuple[int, str], int] = {}
    rows = (
        await Assignment.filter(retired_at=None, task__retired_at=None)
        .annotate(n=Count("id"))
        .group_by("unit_id", "role")
        .values_list("unit_id", "role", "n")
    )
    for unit_id, role, n in rows:
        counts[(unit_id, role)] = n
    aliases: dict[int, list[str]] = {}
    for unit_id, alias in await UnitAlias.all().order_by("alias").values_list("unit_id", "alias"):
        aliases.setdefault(unit_id, []).append(alias)
    contacts: dict[int, int] = dict(
        await Contact.filter(active=True, unit_id__not_isnull=True)
        .annotate(n=Count("id"))
        .group_by("unit_id")
        .values_list("unit_id", "n")
    )
    return [
        UnitSummary(
            name=u.name,
            kind=u.kind,
            aliases=sorted(set(aliases.get(u.id, []))),
            lead=counts.get((u.id, "lead"), 0),
            responsible=counts.get((u.id, "responsible"), 0),
            cooperating=counts.get((u.id, "cooperating"), 0),
            contacts=contacts.get(u.id, 0),
        )
        for u in units
    ]


async def find_unit(name: str, plan_id: int | None = None) -> Unit:
    """The active unit called ``name`` or known by that alias; a clear error otherwise."""
    unit = await Unit.get_or_none(name=name, retired_at=None)
    if unit is None:
        alias = (
            await UnitAlias.filter(alias=name)
            .filter(plan_id__in=[plan_id] if plan_id else [])
            .first()
            or await UnitAlias.filter(alias=name).first()
        )
        if alias is not None:
            unit = await Unit.get(id=alias.unit_id)
    if unit is None:
        raise UnitError(msg(N_("There is no unit called “{name}”."), name=name))
    return unit


async def add_alias(name: str, alias: str, *, plan_id: int | None, actor: str = "cli") -> Unit:
    """Let ``alias`` stand for the unit ``name`` (in one plan, or everywhere without a plan)."""
    alias = alias.strip()
    unit = await find_unit(name, plan_id)
    if not alias or alias == unit.name:
        raise UnitError(msg(N_("An alias must differ from the unit's own name.")))
    other = await Unit.get_or_none(name=alias, retired_at=None)
    if other is not None and other.id != unit.id:
        raise UnitError(
            msg(
                N_(
                    "“{alias}” is itself a unit with tasks or contacts; use "
                    "“duban unit merge {alias} {name}” to join the two."
                ),
                alias=alias,
                name=unit.name,
            )
        )
    async with in_transaction():
        existing = await UnitAlias.get_or_none(plan_id=plan_id, alias=alias)
        if existing is not None:
            existing.unit = unit
            await existing.save()
        else:
            await UnitAlias.create(unit=unit, plan_id=plan_id, alias=alias)
        await AuditLog.create(
            actor=actor,
            action="unit.alias",
            subject=unit.name,
            detail={"alias": alias, "plan": plan_id},
        )
    return unit


async def merge_units(source_name: str, target_name: str, *, actor: str = "cli") -> Unit:
    """Fold unit ``source`` into ``target``: its tasks, contacts and aliases move; it is retired."""
    source = await find_unit(source_name)
    target = await find_unit(target_name)
    if source.id == target.id:
        raise UnitError(
            msg(
                N_("“{source}” and “{target}” are already the same unit."),
                source=source_name,
                target=target_name,
            )
        )
    async with in_transaction():
        target_keys = set(await Assignment.filter(unit_id=target.id).values_list("task_id", "role"))
        moved = 0
        for assignment in await Assignment.filter(unit_id=source.id):
            if (assignment.task_id, assignment.role) in target_keys:
                assignment.retired_at = assignment.retired_at or datetime.now(UTC)
                await assignment.save()  # the target already has this role in this task
            else:
                assignment.unit_id = target.id
                await assignment.save()
                moved += 1
        await Contact.filter(unit_id=source.id).update(unit_id=target.id)
        await UnitAlias.filter(unit_id=source.id).update(unit_id=target.id)
        await UnitAlias.create(unit=target, plan_id=None, alias=source.name)
        source.retired_at, source.merged_into = datetime.now(UTC), target
        await source.save()
        await AuditLog.create(
            actor=actor,
            action="unit.merge",
            subject=target.name,
            detail={"source": source.name, "assignments_moved": moved},
        )
    return target
