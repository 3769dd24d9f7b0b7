"""Import a parsed plan into the register, all or nothing, diffing a revision by task number."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime

from tortoise.transactions import in_transaction

from bot.domain.cadence import ADMIN, PLAN, Cadence, origin_of, proposed, same_due_rule, stored
from bot.domain.plan import Assignment as AssignmentRow
from bot.domain.plan import ParsedPlan, PlanDiff, PlanTask, diff_tasks
from bot.domain.units import unit_kind
from bot.importers.script import fold
from bot.plans.selection import name_new_plan
from bot.storage.models import (
    Assignment,
    AuditLog,
    DeadlineExtension,
    Plan,
    PlanImport,
    Task,
    Unit,
    UnitAlias,
)
from bot.storage.register import load_tasks


@dataclass(frozen=True, slots=True)
class CadenceNote:
    """The reporting day the plan states, and whether the plan's cadence now follows it."""

    cadence: Cadence  # what the plan's words call for
    quote: str
    adopted: bool  # False: the schedule an admin set (duban schedule set) was kept
    current: Cadence  # the plan's cadence after the import


@dataclass(slots=True)
class ImportOutcome:
    """What an import did: which plan, which revision, and what changed."""

    plan_id: int
    revision: int
    created: bool
    diff: PlanDiff = field(default_factory=PlanDiff)
    cadence: CadenceNote | None = None

    @property
    def changed_anything(self) -> bool:
        """False when the same register was imported again."""
        return self.created or not self.diff.is_empty


async def _find_plan(parsed: ParsedPlan) -> Plan | None:
    query = Plan.filter(retired_at=None)
    if parsed.meta.doc_number:
        found = await query.filter(doc_number=parsed.meta.doc_number).order_by("-id").first()
        if found:
            return found
    return await query.filter(title=parsed.meta.title).order_by("-id").first()


async def _units_by_name(names: list[str]) -> dict[str, Unit]:
    """The stored unit of each name, created when new; 縣教育局 finds the stored 县教育局."""
    existing = {u.name: u for u in await Unit.filter(name__in=names)}
    missing = [name for name in names if name not in existing]
    if missing:
        folded = {fold(u.name): u for u in await Unit.filter(retired_at=None).order_by("id")}
        for name in missing:
            unit = folded.get(fold(name))
            if unit is None:
                unit = await Unit.create(name=name, kind=unit_kind(fold(name)).value)
                folded[fold(name)] = unit
            existing[name] = unit
    return existing


async def import_plan(
    parsed: ParsedPlan, *, source_name: str, sha256: str, now: datetime, actor: str = "cli"
) -> ImportOutcome:
    """Store ``parsed``: a new plan, or a new revision of the plan with its 文号 or title.

    Tasks are matched by number: added ones are created, changed ones updated in place (their
    reports stay attached), removed ones retired. Runs in one transaction.
    """
    async with in_transaction():
        plan = await _find_plan(parsed)
        created = plan is None
        await apply_known_aliases(parsed, plan.id if plan else None)
        old_tasks = [] if plan is None else await load_tasks(plan.id)
        planned = {} if plan is None else await _planned_deadlines(plan.id)
        old_tasks = [  # compared as the plan set them: an approved 延期 is no change in the file
            dataclasses.replace(t, deadline=planned[t.number]) if t.number in planned else t
            for t in old_tasks
        ]
        diff = register_diff(old_tasks, parsed.tasks)
        note = _cadence_note(plan, parsed)
        if plan is not None and diff.is_empty and not _meta_changed(plan, parsed):
            if note is not None and note.adopted:  # the same register, now read for its day
                await _adopt(plan, parsed, actor)
                await plan.save(update_fields=["cadence", "updated_at"])
            return ImportOutcome(plan.id, plan.revision, created=False, diff=diff, cadence=note)
        if plan is None:
            plan = await Plan.create(title=parsed.meta.title, source_name=source_name)
        else:
            plan.revision += 1
        _apply_meta(plan, parsed, source_name)
        if note is not None and note.adopted:
            await _adopt(plan, parsed, actor)
        await plan.save()
        await name_new_plan(plan)
        units = await _units_by_name(parsed.unit_names())
        await _store_tasks(plan, parsed.tasks, diff, units, now=now, planned=planned)
        await _store_aliases(plan, parsed.aliases, units)
        snapshot = {"plan": parsed.meta.to_json(), "tasks": [task_json(t) for t in parsed.tasks]}
        await PlanImport.create(
            plan=plan,
            revision=plan.revision,
            source_name=source_name,
            sha256=sha256,
            snapshot=snapshot,
            changes=diff.to_json(),
            warnings=[dataclasses.asdict(w) for w in parsed.warnings],
        )
        await AuditLog.create(
            actor=actor,
            action="plan.import",
            subject=f"plan:{plan.id}",
            detail={"revision": plan.revision, "source": source_name, **diff.to_json()},
        )
        return ImportOutcome(plan.id, plan.revision, created=created, diff=diff, cadence=note)


def register_diff(old: list[PlanTask], new: list[PlanTask]) -> PlanDiff:
    """Compare two registers by task number; a task whose section or leader moved changed too."""
    diff = diff_tasks(old, new)
    before = {t.number: t for t in old}
    after = {t.number: t for t in new}
    moved = [n for n in diff.unchanged if _placement(before[n]) != _placement(after[n])]
    if moved:
        diff.changed = [n for n in after if n in diff.changed or n in moved]
        diff.unchanged = [n for n in diff.unchanged if n not in moved]
    return diff


def _placement(task: PlanTask) -> tuple[str, str]:
    """Section and leader as compared: spacing is no change (a table cell may lose a space)."""
    return "".join((task.section or "").split()), "".join((task.leader or "").split())


def task_json(task: PlanTask) -> dict[str, object]:
    """A task in the import JSON shape, with its section and leader."""
    return task.to_json() | {"section": task.section, "leader": task.leader}


async def apply_known_aliases(parsed: ParsedPlan, plan_id: int | None) -> None:
    """Rename units the admin has aliased or merged (``duban unit alias/merge``) before diffing."""
    rows = await UnitAlias.filter(plan_id__in=[plan_id] if plan_id else []).values_list(
        "alias", "unit__name"
    ) + await UnitAlias.filter(plan_id=None).values_list("alias", "unit__name")
    known = {alias: name for alias, name in rows if alias != name}
    if not known:
        return
    for task in parsed.tasks:
        renamed: list[AssignmentRow] = []
        for a in task.assignments:
            candidate = dataclasses.replace(a, unit=known.get(a.unit, a.unit))
            if candidate not in renamed:
                renamed.append(candidate)
        task.assignments = renamed


def _cadence_note(plan: Plan | None, parsed: ParsedPlan) -> CadenceNote | None:
    """Whether the reporting day the plan states becomes its cadence.

    A new plan takes it; a revision takes it unless an admin set the schedule by hand, which is
    kept (and the outcome says so). A plan that states no day keeps what it has.
    """
    wanted = proposed(parsed.meta)
    if wanted is None:
        return None
    quote = _quote(parsed)
    if plan is None:
        return CadenceNote(wanted, quote, adopted=True, current=wanted)
    current = Cadence.from_json(plan.cadence)
    if origin_of(plan.cadence) == ADMIN:
        if same_due_rule(current, wanted):
            return None  # the admin already set what the plan says
        return CadenceNote(wanted, quote, adopted=False, current=current)
    if origin_of(plan.cadence) == PLAN and current == wanted:
        return None  # already follows the plan
    return CadenceNote(wanted, quote, adopted=True, current=wanted)


def _quote(parsed: ParsedPlan) -> str:
    stated = parsed.meta.report_due or parsed.meta.summary_due
    return stated.quote if stated else ""


async def _adopt(plan: Plan, parsed: ParsedPlan, actor: str) -> None:
    wanted = proposed(parsed.meta)
    assert wanted is not None
    plan.cadence = stored(wanted, PLAN, _quote(parsed))
    if plan.id is not None:
        await AuditLog.create(
            actor=actor, action="schedule.plan", subject=str(plan.id), detail=plan.cadence
        )


def _meta_changed(plan: Plan, parsed: ParsedPlan) -> bool:
    """True when the file says something new about the plan (a CSV that says nothing, doesn't)."""
    meta = parsed.meta
    given = [
        (plan.title, meta.title),
        (plan.doc_number, meta.doc_number),
        (plan.issuer, meta.issuer),
        (plan.issued, meta.issued),
    ]
    return any(new is not None and old != new for old, new in given)


def _apply_meta(plan: Plan, parsed: ParsedPlan, source_name: str) -> None:
    meta = parsed.meta
    plan.title = meta.title
    plan.doc_number = meta.doc_number or plan.doc_number
    plan.issuer = meta.issuer or plan.issuer
    plan.issued = meta.issued or plan.issued
    plan.monthly_dispatch, plan.quarterly_summary = meta.monthly_dispatch, meta.quarterly_summary
    plan.columns = [c.value for c in parsed.columns]
    plan.headers = dict(parsed.headers)
    plan.source_name = source_name


async def _planned_deadlines(plan_id: int) -> dict[str, date | None]:
    """Task number → the deadline the plan set, for tasks an approved extension (延期) moved:
    the first approved extension's old date, while the task still has the last one's new date."""
    rows = (
        await DeadlineExtension.filter(task__plan_id=plan_id, state="approved")
        .order_by("decided_at", "id")
        .values_list("task__number", "task__deadline", "old_deadline", "new_deadline")
    )
    first: dict[str, date | None] = {}
    last: dict[str, tuple[date | None, date]] = {}
    for number, current, old, new in rows:
        first.setdefault(number, old)
        last[number] = (current, new)
    return {n: first[n] for n, (current, new) in last.items() if current == new}


async def _store_tasks(
    plan: Plan,
    tasks: list[PlanTask],
    diff: PlanDiff,
    units: dict[str, Unit],
    *,
    now: datetime,
    planned: dict[str, date | None],
) -> None:
    """Create, update and retire the plan's tasks; a task whose deadline an approved 延期 moved
    keeps it unless the revised plan sets a different one."""
    stored = {t.number: t for t in await Task.filter(plan_id=plan.id)}
    touched = set(diff.added) | set(diff.changed)
    for position, task in enumerate(tasks):
        row = stored.get(task.number)
        if row is None:
            row = await Task.create(
                plan=plan,
                number=task.number,
                position=position,
                title=task.title,
                requirements=task.requirements,
                liaison=task.liaison,
                deadline=task.deadline,
                deadline_text=task.deadline_text,
                section=task.section,
                leader=task.leader,
                revision=plan.revision,
            )
        elif task.number in touched or row.position != position:
            row.position = position
            if task.number in touched:
                row.title, row.requirements = task.title, task.requirements
                row.liaison = task.liaison
                if task.number not in planned or task.deadline != planned[task.number]:
                    row.deadline, row.deadline_text = task.deadline, task.deadline_text
                row.section = task.section  # type: ignore[assignment]  # a nullable TextField
                row.leader = task.leader
                row.revision, row.retired_at = plan.revision, None
            await row.save()
        if task.number in touched:
            await _store_assignments(row, task, units, now)
    removed = [stored[n].id for n in diff.removed if n in stored]
    if removed:
        await Task.filter(id__in=removed).update(retired_at=now, revision=plan.revision)


async def _store_assignments(
    row: Task, task: PlanTask, units: dict[str, Unit], now: datetime
) -> None:
    current = {(a.unit_id, a.role): a for a in await Assignment.filter(task_id=row.id)}
    wanted: set[tuple[int, str]] = set()
    for position, assignment in enumerate(task.assignments):
        key = (units[assignment.unit].id, assignment.role.value)
        wanted.add(key)
        existing = current.get(key)
        if existing is None:
            await Assignment.create(task=row, unit_id=key[0], role=key[1], position=position)
        elif existing.retired_at is not None or existing.position != position:
            existing.retired_at, existing.position = None, position
            await existing.save()
    stale = [a.id for k, a in current.items() if k not in wanted and a.retired_at is None]
    if stale:
        await Assignment.filter(id__in=stale).update(retired_at=now)


async def _store_aliases(plan: Plan, aliases: dict[str, str], units: dict[str, Unit]) -> None:
    for alias, name in aliases.items():
        existing = await UnitAlias.get_or_none(plan_id=plan.id, alias=alias)
        if existing is None:
            await UnitAlias.create(plan=plan, alias=alias, unit=units[name])
        elif existing.unit_id != units[name].id:
            existing.unit = units[name]
            await existing.save()
