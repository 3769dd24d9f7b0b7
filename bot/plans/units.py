"""Unit administration: listing units, adding aliases, merging two names of one unit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.functions import Count
from tortoise.transactions import in_transaction

from bot.domain.errors import RefusedError
from bot.domain.messages import N_, Message, msg
from bot.domain.units import level_prefix, normalise_unit_name
from bot.importers.script import fold
from bot.storage.models import Assignment, AuditLog, Contact, Unit, UnitAlias

SUGGESTIONS = 3  # close names offered for a unit name that matches nothing


class UnitError(RefusedError):
    """A unit command that cannot be carried out; ``message`` says why.

    ``suggestions`` holds the close unit names offered when a name matched nothing.
    """

    def __init__(self, message: Message, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
        self.suggestions = suggestions or []


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
    """The active unit called ``name`` or known by that alias; a clear error otherwise.

    An exact name or alias is taken silently (an alias of ``plan_id`` first, then any); a
    name that matches nothing is refused with up to three close names (“did you mean …?”).
    """
    for candidate in dict.fromkeys((name, normalise_unit_name(name))):
        if not candidate:
            continue
        unit = await Unit.get_or_none(name=candidate, retired_at=None)
        if unit is not None:
            return unit
        alias = (
            await UnitAlias.filter(alias=candidate)
            .filter(plan_id__in=[plan_id] if plan_id else [])
            .first()
            or await UnitAlias.filter(alias=candidate).first()
        )
        if alias is not None:
            return await Unit.get(id=alias.unit_id)
    index = await UnitIndex.load()
    other_script = index.get(name, plan_id)
    if other_script is not None:
        return other_script
    suggestions = index.suggest(name)
    if suggestions:
        raise UnitError(
            msg(
                N_("There is no unit called “{name}”. Did you mean {suggestions}?"),
                name=name,
                suggestions="、".join(f"“{s}”" for s in suggestions),
            ),
            suggestions,
        )
    raise UnitError(msg(N_("There is no unit called “{name}”."), name=name))


class UnitIndex:
    """Every active unit and alias in memory: exact lookups and close-name suggestions.

    Bulk work (a contacts sheet of a hundred rows, a WeCom address book) resolves names
    here instead of asking the database once per name.
    """

    def __init__(self, units: list[Unit], aliases: list[tuple[int, int | None, str]]) -> None:
        self.by_name = {u.name: u for u in units}
        by_id = {u.id: u for u in units}
        self.global_aliases: dict[str, Unit] = {}
        self.plan_aliases: dict[tuple[int, str], Unit] = {}
        for unit_id, plan_id, alias in aliases:
            unit = by_id.get(unit_id)
            if unit is None:
                continue
            self.global_aliases.setdefault(alias, unit)
            if plan_id is not None:
                self.plan_aliases.setdefault((plan_id, alias), unit)
        # what a typed name is compared with → the unit name to offer
        self._choices = {alias: unit.name for alias, unit in self.global_aliases.items()}
        self._choices.update({n: n for n in self.by_name})
        self._folded = {fold(u.name): u for u in units}  # 縣教育局 and 县教育局 are one unit
        self._cores: dict[str, set[int]] = {}
        for unit in units:
            self._cores.setdefault(_core(unit.name), set()).add(unit.id)
        self._by_id = by_id

    @classmethod
    async def load(cls) -> UnitIndex:
        """The index of what is stored now."""
        units = await Unit.filter(retired_at=None).order_by("name")
        aliases = await UnitAlias.all().order_by("id").values_list("unit_id", "plan_id", "alias")
        return cls(units, [(u, p, a) for u, p, a in aliases])

    def get(self, name: str, plan_id: int | None = None) -> Unit | None:
        """The unit ``name`` denotes exactly (its name or an alias), or None."""
        for candidate in dict.fromkeys((name, normalise_unit_name(name))):
            unit = (
                self.by_name.get(candidate)
                or (self.plan_aliases.get((plan_id, candidate)) if plan_id else None)
                or self.global_aliases.get(candidate)
            )
            if unit is not None:
                return unit
        return self._folded.get(fold(normalise_unit_name(name) or name))

    def same_agency(self, name: str) -> Unit | None:
        """The one unit ``name`` is, written at another level (教育局, 辰溪县教育局 → 县教育局)."""
        ids = self._cores.get(_core(normalise_unit_name(name)), set())
        return self._by_id[next(iter(ids))] if len(ids) == 1 else None

    def suggest(self, name: str, limit: int = SUGGESTIONS) -> list[str]:
        """Up to ``limit`` unit names close to ``name``, the closest first."""
        from rapidfuzz import fuzz, process  # noqa: PLC0415 - only when a name is unknown

        query = normalise_unit_name(name) or name.strip()
        if not query or not self._choices:
            return []
        found = process.extract(
            query, list(self._choices), scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=50
        )
        if not found:
            return []
        best = found[0][1]
        names: list[str] = []
        for choice, score, _ in found:
            unit_name = self._choices[choice]
            if score >= best - 20 and unit_name not in names:
                names.append(unit_name)
        return names[:limit]


def _core(name: str) -> str:
    """A unit name without its administrative level (县教育局 → 教育局)."""
    prefix = level_prefix(name)
    return name[len(prefix) :] if prefix else name


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


async def merge_units(
    source_name: str, target_name: str, *, now: datetime, actor: str = "cli"
) -> Unit:
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
                assignment.retired_at = assignment.retired_at or now
                await assignment.save()  # the target already has this role in this task
            else:
                assignment.unit_id = target.id
                await assignment.save()
                moved += 1
        await Contact.filter(unit_id=source.id).update(unit_id=target.id)
        await UnitAlias.filter(unit_id=source.id).update(unit_id=target.id)
        await UnitAlias.create(unit=target, plan_id=None, alias=source.name)
        source.retired_at, source.merged_into = now, target
        await source.save()
        await AuditLog.create(
            actor=actor,
            action="unit.merge",
            subject=target.name,
            detail={"source": source.name, "assignments_moved": moved},
        )
    return target
