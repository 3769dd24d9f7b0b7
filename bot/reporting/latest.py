"""What a unit last reported: the read queries of report versions, written once.

A report is versioned (a revision is a new row), so "the latest report" has two meanings:

- **in a period**: a request's highest version (a period asks one request per task and unit);
- **over every period**: the (task, unit)'s last submission (``submitted_at``, then ``id``),
  whichever request it answered: "did the lead unit last say done".

Both rank the versions in SQL (``ROW_NUMBER() OVER (PARTITION BY …)``, on SQLite and
PostgreSQL alike) and fetch only each partition's first row, as plain frozen values: no model
is built for a version nobody reads. What a unit is still asked is :mod:`bot.reporting.requests`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pypika_tortoise import Order, Table
from pypika_tortoise.analytics import RowNumber
from pypika_tortoise.queries import QueryBuilder

from bot.reporting.plainsql import rows
from bot.storage.models import ProgressReport, ReportRequest, Task, Unit


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
