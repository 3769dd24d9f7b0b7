"""Which units a task answers through, and whether it is done, read from the register and the
reports with :mod:`bot.domain.completion`'s definitions: the queries behind the lights, the
deadline warnings and ``/overdue``.

Only what a question needs is read: the lead assignments as values, the collectives and their
members, and the last status of just the (task, unit) pairs asked about.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping

from tortoise.queryset import QuerySet

from bot.domain.completion import Collectives, answering_units, task_done
from bot.domain.reporting import Status
from bot.domain.units import UnitKind
from bot.reporting.latest import last_statuses
from bot.storage.models import Assignment, Unit, UnitMember


async def collectives() -> Collectives:
    """Every collective unit and its member units (as the register lists them)."""
    ids = await Unit.filter(kind=UnitKind.COLLECTIVE.value).values_list("id", flat=True)
    members: dict[int, list[int]] = {int(str(i)): [] for i in ids}
    for collective, member in (
        await UnitMember.filter(collective_id__in=list(members))
        .order_by("id")
        .values_list("collective_id", "member_id")
    ):
        members[int(str(collective))].append(int(str(member)))
    return Collectives(members)


def _assigned(task_ids: Collection[int], plan_id: int | None) -> QuerySet[Assignment]:
    """Active assignments of the tasks; of the whole plan when it is given (one condition
    rather than thousands of ids: the tasks asked are most of a plan's)."""
    if plan_id is not None:
        return Assignment.filter(task__plan_id=plan_id, retired_at=None)
    return Assignment.filter(task_id__in=list(task_ids), retired_at=None)


async def lead_units(
    task_ids: Collection[int], plan_id: int | None = None
) -> dict[int, list[tuple[int, str]]]:
    """Per task, its active lead units (id, name) in the plan's order (``plan_id``: the tasks
    are that plan's)."""
    leads: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if not task_ids:
        return leads
    for task_id, unit_id, name in (
        await _assigned(task_ids, plan_id)
        .filter(role="lead")
        .order_by("position", "id")
        .values_list("task_id", "unit_id", "unit__name")
    ):
        leads[int(str(task_id))].append((int(str(unit_id)), str(name)))
    return leads


async def answering(
    task_ids: Collection[int], found: Collectives | None = None, plan_id: int | None = None
) -> dict[int, list[int]]:
    """Per task, the units it answers through (its leads, else every unit assigned);
    ``plan_id``: the tasks are that plan's."""
    if not task_ids:
        return {}
    found = found if found is not None else await collectives()
    leads: dict[int, list[int]] = defaultdict(list)
    assigned: dict[int, list[int]] = defaultdict(list)
    for task_id, unit_id, role in (
        await _assigned(task_ids, plan_id)
        .order_by("position", "id")
        .values_list("task_id", "unit_id", "role")
    ):
        task, unit = int(str(task_id)), int(str(unit_id))
        assigned[task].append(unit)
        if role == "lead":
            leads[task].append(unit)
    return {t: answering_units(leads[t], found.expand(assigned[t]), found) for t in task_ids}


async def last_of(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Status]:
    """The last status each (task, unit) reported, whichever month, for just these pairs."""
    wanted = set(pairs)
    if not wanted:
        return {}
    latest = await last_statuses(task_ids={t for t, _ in wanted}, unit_ids={u for _, u in wanted})
    return {pair: Status(last.status) for pair, last in latest.items() if pair in wanted}


async def done_tasks(
    through: Mapping[int, list[int]], known: Mapping[tuple[int, int], Status] | None = None
) -> set[int]:
    """The tasks of ``through`` (task → the units it answers through) that are done.

    ``known`` gives statuses already read (a period's latest reports); only the other pairs
    are looked up in the history.
    """
    known = known or {}
    missing = {(t, u) for t, units in through.items() for u in units if (t, u) not in known}
    last = {**await last_of(missing), **known}
    return {
        t for t, units in through.items() if task_done(units, {u: last.get((t, u)) for u in units})
    }
