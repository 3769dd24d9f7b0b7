"""What a unit is asked to report: its open requests, and a period's, as ``RequestView`` values.

The open requests of a unit are read on every free-text message a reporter sends, so they are
one plain statement (:data:`OPEN_SQL`), the unit's part in each task included (:func:`role_sql`,
shared with :mod:`bot.reporting.asked`); a period's requests are read with ``.values()``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.reporting.plainsql import day, rows
from bot.storage.models import Assignment, ReportRequest, Task, UnitMember

OPEN_STATES = ("open", "answered")  # not closed: a reporter may still answer or revise


@dataclass(frozen=True, slots=True)
class RequestView:
    """A report request as a reporter sees it."""

    id: int
    period: str
    due_on: date | None
    number: str
    title: str
    unit: str
    answered: bool
    unit_id: int
    goal: str = ""  # the task's requirements (工作目标), joined
    role: str | None = None  # the unit's part: lead | responsible | cooperating (牵头/责任/配合)
    plan_id: int = 0  # the plan the task belongs to
    plan: str = ""  # the plan's short name (its number before it had one)
    # whether the plan asks for 存在问题 and 下步打算 (None: not read with this view)
    asks: tuple[bool, bool] | None = None


VIEW_COLUMNS = {
    "id": "id",
    "period": "period__key",
    "due_on": "period__due_on",
    "number": "task__number",
    "title": "task__title",
    "unit": "unit__name",
    "state": "state",
    "unit_id": "unit_id",
    "task_id": "task_id",
    "requirements": "task__requirements",
    "plan_id": "period__plan_id",
    "short_name": "period__plan__short_name",
}
ROLE_ORDER = ("lead", "responsible", "cooperating")


def goal_of(requirements: Iterable[object] | None) -> str:
    """A task's requirements as one goal text, each item ended with ；."""
    items = [str(item).strip() for item in (requirements or []) if item]
    return "".join(i if i.endswith(("。", "；", ";", ".")) else f"{i}；" for i in items if i)


async def unit_roles(pairs: Collection[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The part each unit plays in each task, (task, unit) → the first of lead, responsible,
    cooperating, counting the collectives the unit belongs to (各乡镇 for a township)."""
    units = {u for _, u in pairs}
    collectives: dict[int, set[int]] = {u: {u} for u in units}
    for member, collective in await UnitMember.filter(member_id__in=list(units)).values_list(
        "member_id", "collective_id"
    ):
        collectives[int(str(member))].add(int(str(collective)))
    rows = await Assignment.filter(
        task_id__in=list({t for t, _ in pairs}),
        unit_id__in=list(set().union(*collectives.values())) if collectives else [],
        retired_at=None,
    ).values_list("task_id", "unit_id", "role")
    held: dict[tuple[int, int], str] = {}
    for task, unit, role in rows:
        held.setdefault((int(str(task)), int(str(unit))), str(role))
    found: dict[tuple[int, int], str] = {}
    for task, unit in pairs:
        roles = [held[task, u] for u in collectives.get(unit, ()) if (task, u) in held]
        ranked = sorted(roles, key=lambda r: ROLE_ORDER.index(r) if r in ROLE_ORDER else 9)
        if ranked:
            found[task, unit] = ranked[0]
    return found


async def _views(query: Any, *order: str) -> list[RequestView]:
    rows = await query.order_by(*order).values(**VIEW_COLUMNS)
    roles = await unit_roles({(r["task_id"], r["unit_id"]) for r in rows}) if rows else {}
    views = []
    for row in rows:
        answered = row.pop("state") == "answered"
        task_id = row.pop("task_id")
        goal = goal_of(row.pop("requirements"))
        role = roles.get((task_id, row["unit_id"]))
        plan = row.pop("short_name") or str(row["plan_id"])
        views.append(RequestView(**row, answered=answered, goal=goal, role=role, plan=plan))
    return views


def role_sql(request: str) -> str:
    """SQL for the part the unit of request ``request`` (an alias) plays in its task: the first
    of lead, responsible, cooperating among its own and its collectives' live assignments.

    Two lookups by task and unit (the assignment's unique index) joined, rather than the
    task's assignments filtered: a task that hundreds of units share is not read whole."""
    ranks = " ".join(f"WHEN '{r}' THEN {i}" for i, r in enumerate(ROLE_ORDER))
    live = f'a."task_id" = {request}."task_id" AND a."retired_at" IS NULL'
    return (
        '(SELECT x."role" FROM (SELECT a."role", a."id" FROM "assignment" a '  # noqa: S608 - an alias and constants only
        f'WHERE {live} AND a."unit_id" = {request}."unit_id" '
        f'UNION ALL SELECT a."role", a."id" FROM "assignment" a WHERE {live} AND a."unit_id" IN '
        f'(SELECT m."collective_id" FROM "unit_member" m WHERE m."member_id" = {request}."unit_id")'
        f') x ORDER BY CASE x."role" {ranks} ELSE 9 END, x."id" LIMIT 1)'
    )


# the unit's requests not closed, in the order a reporter sees them (``q`` a request, ``p`` its
# period, ``t`` its task)
OPEN_WHERE = (
    f'WHERE q."unit_id" = ? AND q."state" IN ({", ".join(f"{s!r}" for s in OPEN_STATES)}) '
    'ORDER BY p."starts", p."plan_id", t."position", q."id"'
)
OPEN_SQL = (
    'SELECT q."id", p."key" AS "period", p."due_on", t."number", t."title", '  # noqa: S608 - fixed
    'u."name" AS "unit", q."state", q."unit_id", t."requirements", '
    f'{role_sql("q")} AS "role", p."plan_id", n."short_name", n."asks_problems", '
    'n."asks_next_steps" '
    'FROM "report_request" q JOIN "reporting_period" p ON p."id" = q."period_id" '
    'JOIN "task" t ON t."id" = q."task_id" JOIN "unit" u ON u."id" = q."unit_id" '
    'JOIN "plan" n ON n."id" = p."plan_id" '
    f"{OPEN_WHERE}"
)


async def open_requests(unit_id: int | None) -> list[RequestView]:
    """The unit's requests not yet closed, oldest period first, then in task order.

    One plain statement (the hot path of every free-text message): role included.
    """
    if unit_id is None:
        return []
    return [open_view(row) for row in await rows(OPEN_SQL, unit_id)]


def open_view(row: dict[str, Any]) -> RequestView:
    """A row of :data:`OPEN_SQL` (or of a statement with its columns) as a view."""
    requirements = Task._meta.fields_map["requirements"]
    return RequestView(
        id=row["id"],
        period=row["period"],
        due_on=day(row["due_on"]),
        number=row["number"],
        title=row["title"],
        unit=row["unit"],
        answered=row["state"] == "answered",
        unit_id=row["unit_id"],
        goal=goal_of(requirements.to_python_value(row["requirements"])),
        role=row["role"],
        plan_id=int(row["plan_id"]),
        plan=str(row["short_name"] or row["plan_id"]),
        asks=(bool(row["asks_problems"]), bool(row["asks_next_steps"])),
    )


async def period_requests(period_id: int, states: tuple[str, ...]) -> list[RequestView]:
    """The period's requests in ``states``, by unit name, then in task order."""
    query = ReportRequest.filter(period_id=period_id, state__in=states)
    return await _views(query, "unit__name", "task__position")
