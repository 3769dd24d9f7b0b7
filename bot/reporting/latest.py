"""What a unit last reported, and what it is still asked: the read queries, written once.

A report is versioned (a revision is a new row), so "the latest report" has two meanings:

- **in a period**: a request's highest version (a period asks one request per task and unit);
- **over every period**: the (task, unit)'s last submission (``submitted_at``, then ``id``),
  whichever request it answered: "did the lead unit last say done".

Both rank the versions in SQL (``ROW_NUMBER() OVER (PARTITION BY …)``, on SQLite and
PostgreSQL alike) and fetch only each partition's first row, as plain frozen values: no model
is built for a version nobody reads. The open requests of a unit (or of a period) come back
as ``RequestView`` values read with ``.values()``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pypika_tortoise import Order, Table
from pypika_tortoise.analytics import RowNumber
from pypika_tortoise.queries import QueryBuilder

from bot.reporting.plainsql import day, rows
from bot.storage.models import Assignment, ProgressReport, ReportRequest, Task, Unit, UnitMember

OPEN_STATES = ("open", "answered")  # not closed: a reporter may still answer or revise


@dataclass(frozen=True, slots=True)
class LatestReport:
    """One report version, as read: ids, what was said, and when."""

    id: int
    request_id: int
    period_id: int
    task_id: int
    unit_id: int
    version: int
    status: str
    percent: int | None
    text: str
    late: bool
    submitted_at: datetime
    contact_id: int | None
    problems: str | None = None  # 存在问题, when the plan asks (None: not asked, "": 无)
    next_steps: str | None = None  # 下步打算, likewise


@dataclass(frozen=True, slots=True)
class LatestStatus:
    """The status part of a (task, unit)'s last report: for questions that need no text."""

    id: int
    task_id: int
    unit_id: int
    status: str
    percent: int | None
    submitted_at: datetime


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


REPORT_COLUMNS = tuple(LatestReport.__dataclass_fields__)
STATUS_COLUMNS = tuple(LatestStatus.__dataclass_fields__)
REQUEST_COLUMNS = {"period_id"}  # read from the request a report answers


def _table(model: Any, alias: str) -> Table:
    return Table(model._meta.db_table, alias=alias)


def _moment(value: datetime | str) -> datetime:
    """A stored time, aware UTC (SQLite hands back ISO text, asyncpg an aware datetime)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# how a column is read; the rest arrive as int, str or None from both drivers
READERS: dict[str, Callable[[Any], Any]] = {"submitted_at": _moment, "late": bool}


async def _fetch(query: QueryBuilder, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """Run a built query; times and flags read as tortoise would, without a model per row."""
    sql, params = query.get_parameterized_sql()
    rows = await ProgressReport._meta.db.execute_query_dict(sql, params)
    readers = [(c, READERS[c]) for c in columns if c in READERS]
    found = []
    for row in rows:
        values = {c: row[c] for c in columns}
        for column, read in readers:
            values[column] = read(values[column])
        found.append(values)
    return found


def _newest(
    scope: QueryBuilder, columns: tuple[str, ...], rank: Any, *, plan_order: bool
) -> QueryBuilder:
    """The first-ranked row of each partition of ``scope`` (which selects from ``r``)."""
    r, q = _table(ProgressReport, "r"), _table(ReportRequest, "q")
    selected = ((q if c in REQUEST_COLUMNS else r).field(c) for c in columns)
    inner = scope.select(*selected, rank.as_("newest"))
    db = ProgressReport._meta.db
    outer = db.query_class.from_(inner).select(*(inner.field(c) for c in columns))
    outer = outer.where(inner.newest == 1)
    if plan_order:
        t, u = _table(Task, "t"), _table(Unit, "u")
        outer = outer.join(t).on(t.id == inner.task_id).join(u).on(u.id == inner.unit_id)
        outer = outer.orderby(t.position).orderby(u.name)
    return outer.orderby(inner.id)


async def latest_in_periods(period_ids: Collection[int]) -> list[LatestReport]:
    """Each request's highest version in the periods, in plan order (task, then unit name)."""
    if not period_ids:
        return []
    r, q = _table(ProgressReport, "r"), _table(ReportRequest, "q")
    scope = (
        ProgressReport._meta.db.query_class.from_(r)
        .join(q)
        .on(q.id == r.request_id)
        .where(q.period_id.isin(list(period_ids)))
    )
    rank = RowNumber().over(r.request_id).orderby(r.version, order=Order.desc)
    rows = await _fetch(_newest(scope, REPORT_COLUMNS, rank, plan_order=True), REPORT_COLUMNS)
    return [LatestReport(**row) for row in rows]


async def latest_in_period(period_id: int) -> list[LatestReport]:
    """Each request's highest version in the period, in plan order (task, then unit name)."""
    return await latest_in_periods([period_id])


async def last_statuses(
    *,
    plan_id: int | None = None,
    task_ids: Iterable[int] | None = None,
    unit_ids: Iterable[int] | None = None,
) -> dict[tuple[int, int], LatestStatus]:
    """Per (task, unit), the status of its last submission over every period.

    Narrowed to a plan's tasks, to some tasks and to some units when given.
    """
    r = _table(ProgressReport, "r")
    scope = ProgressReport._meta.db.query_class.from_(r)
    if plan_id is not None:
        t = _table(Task, "t")
        scope = scope.join(t).on(t.id == r.task_id).where(t.plan_id == plan_id)
    for column, ids in (("task_id", task_ids), ("unit_id", unit_ids)):
        if ids is not None:
            wanted = sorted(set(ids))
            if not wanted:
                return {}
            scope = scope.where(r.field(column).isin(wanted))
    rank = (
        RowNumber()
        .over(r.task_id, r.unit_id)
        .orderby(r.submitted_at, order=Order.desc)
        .orderby(r.id, order=Order.desc)
    )
    rows = await _fetch(_newest(scope, STATUS_COLUMNS, rank, plan_order=False), STATUS_COLUMNS)
    return {(row["task_id"], row["unit_id"]): LatestStatus(**row) for row in rows}


LATEST_SQL = (
    "SELECT "  # noqa: S608 - column names only, the request id is bound
    + ", ".join('q."period_id"' if c in REQUEST_COLUMNS else f'r."{c}"' for c in REPORT_COLUMNS)
    + ' FROM "progress_report" r JOIN "report_request" q ON q."id" = r."request_id" '
    'WHERE r."request_id" = ? ORDER BY r."version" DESC LIMIT 1'
)


def read_report(found: list[dict[str, Any]]) -> LatestReport | None:
    """The first row of a plain statement selecting :data:`REPORT_COLUMNS`, if any."""
    if not found:
        return None
    values = {c: found[0][c] for c in REPORT_COLUMNS}
    for column, read in READERS.items():
        values[column] = read(values[column])
    return LatestReport(**values)


async def _first(query: Any) -> LatestReport | None:
    columns = {c: f"request__{c}" if c in REQUEST_COLUMNS else c for c in REPORT_COLUMNS}
    row = await query.values(**columns)
    return LatestReport(**row[0]) if row else None


async def request_latest(request_id: int) -> LatestReport | None:
    """The request's highest version, if any (one plain statement: read after every report)."""
    return read_report(await rows(LATEST_SQL, request_id))


async def pair_latest(
    task_id: int, unit_id: int, *, before: date | None = None
) -> LatestReport | None:
    """The unit's last submission on the task, whichever period it was for.

    With ``before``: only periods starting before that day count, and the latest of those
    periods comes first (a late revision of September does not outrank October's report).
    """
    query = ProgressReport.filter(task_id=task_id, unit_id=unit_id)
    order: tuple[str, ...] = ("-submitted_at", "-id")
    if before is not None:
        query = query.filter(request__period__starts__lt=before)
        order = ("-request__period__starts", *order)
    return await _first(query.order_by(*order).limit(1))


async def last_version(request_id: int) -> int:
    """The request's highest version number (0 before its first report)."""
    versions = (
        await ProgressReport.filter(request_id=request_id)
        .order_by("-version")
        .limit(1)
        .values_list("version", flat=True)
    )
    return int(str(versions[0])) if versions else 0


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
        views.append(RequestView(**row, answered=answered, goal=goal, role=role))
    return views


def role_sql(request: str) -> str:
    """SQL for the part the unit of request ``request`` (an alias) plays in its task: the first
    of lead, responsible, cooperating among its own and its collectives' live assignments."""
    ranks = " ".join(f"WHEN '{r}' THEN {i}" for i, r in enumerate(ROLE_ORDER))
    return (
        '(SELECT a."role" FROM "assignment" a '  # noqa: S608 - an alias and constants only
        f'WHERE a."task_id" = {request}."task_id" AND a."retired_at" IS NULL '
        f'AND (a."unit_id" = {request}."unit_id" OR a."unit_id" IN (SELECT m."collective_id" '
        f'FROM "unit_member" m WHERE m."member_id" = {request}."unit_id")) '
        f'ORDER BY CASE a."role" {ranks} ELSE 9 END, a."id" LIMIT 1)'
    )


OPEN_SQL = (
    'SELECT q."id", p."key" AS "period", p."due_on", t."number", t."title", '  # noqa: S608 - fixed
    'u."name" AS "unit", q."state", q."unit_id", t."requirements", '
    f'{role_sql("q")} AS "role" '
    'FROM "report_request" q JOIN "reporting_period" p ON p."id" = q."period_id" '
    'JOIN "task" t ON t."id" = q."task_id" JOIN "unit" u ON u."id" = q."unit_id" '
    f'WHERE q."unit_id" = ? AND q."state" IN ({", ".join(f"{s!r}" for s in OPEN_STATES)}) '
    'ORDER BY p."starts", t."position", q."id"'
)


async def open_requests(unit_id: int | None) -> list[RequestView]:
    """The unit's requests not yet closed, oldest period first, then in task order.

    One plain statement (the hot path of every free-text message): role included.
    """
    if unit_id is None:
        return []
    requirements = Task._meta.fields_map["requirements"]
    return [
        RequestView(
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
        )
        for row in await rows(OPEN_SQL, unit_id)
    ]


async def period_requests(period_id: int, states: tuple[str, ...]) -> list[RequestView]:
    """The period's requests in ``states``, by unit name, then in task order."""
    query = ReportRequest.filter(period_id=period_id, state__in=states)
    return await _views(query, "unit__name", "task__position")
