"""The reporting hot path in plain SQL: a request as the report flow reads it, in one statement.

Every button of the report flow re-checks that the request is the speaker's unit's and still
open, and the flow then needs its period, task, unit, the unit's part in the task, how many
versions it has, the fields its plan asks for, whether another plan asks the unit in the same
period (a twin to file to) and whether the unit may go on to ask for 销号. The ORM read that
as a request model with three related models (and more queries for the role and the last
version); here it is one ``SELECT`` on SQLite and PostgreSQL alike, read into :class:`Asked`,
a frozen value passed down the flow instead of read again. A press on Submit, which also ends
by listing what the unit has left to report, reads the unit's open requests and its request
in one statement (:func:`open_asked`). The statements run through
:mod:`bot.reporting.plainsql`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.reporting.latest import REPORT_COLUMNS, REQUEST_COLUMNS, LatestReport, read_report
from bot.reporting.plainsql import day, on_postgres, rows
from bot.reporting.requests import OPEN_WHERE, RequestView, goal_of, open_view, role_sql
from bot.storage.models import Task


@dataclass(frozen=True, slots=True)
class Asked:
    """A report request with what the flow shows and checks beside it."""

    id: int
    state: str
    unit_id: int
    task_id: int
    period_id: int
    period: str  # the period's key: 2026-11
    starts: date
    due_on: date | None
    plan_id: int
    number: str
    title: str
    goal: str  # the task's requirements, joined
    unit: str  # the unit's name
    role: str | None  # lead | responsible | cooperating, counting the unit's collectives
    versions: int  # the highest version reported (0 before the first report)
    asks_problems: bool = False  # the plan asks for 存在问题
    asks_next_steps: bool = False  # the plan asks for 下步打算
    shared: bool = False  # another active plan asks the unit in the same period (twins?)
    leads: bool = False  # the unit itself leads the task (a collective's member does not)
    closing: bool = False  # a request to close the task (销号) waits or was granted


def requirements(value: Any) -> Any:
    """A task's requirements as stored (JSON text on SQLite, perhaps decoded on PostgreSQL)."""
    return Task._meta.fields_map["requirements"].to_python_value(value)


# what a request is read with: its period, task, unit, plan and the unit's part in the task
_COLUMNS = (
    'q."id", q."state", q."unit_id", q."task_id", q."period_id", p."key" AS "period", '
    'p."starts", p."due_on", p."plan_id", t."number", t."title", t."requirements", '
    f'u."name" AS "unit", {role_sql("q")} AS "role", n."asks_problems", n."asks_next_steps", '
    'n."short_name"'
)
# and what only the request a step works on needs (a subquery each): name → expression
_CHECKS = {
    "versions": '(SELECT MAX(r."version") FROM "progress_report" r WHERE r."request_id" = q."id")',
    "shared": 'EXISTS (SELECT 1 FROM "report_request" o '
    'JOIN "reporting_period" op ON op."id" = o."period_id" '
    'JOIN "plan" ol ON ol."id" = op."plan_id" WHERE o."unit_id" = q."unit_id" '
    'AND op."key" = p."key" AND op."plan_id" <> p."plan_id" AND ol."retired_at" IS NULL)',
    "leads": 'EXISTS (SELECT 1 FROM "assignment" a WHERE a."task_id" = q."task_id" '
    'AND a."unit_id" = q."unit_id" AND a."role" = \'lead\' AND a."retired_at" IS NULL)',
    "closing": 'EXISTS (SELECT 1 FROM "task_closure" c WHERE c."task_id" = q."task_id" '
    "AND c.\"state\" IN ('pending', 'closed'))",
}
_FROM = (
    'FROM "report_request" q JOIN "reporting_period" p ON p."id" = q."period_id" '
    'JOIN "task" t ON t."id" = q."task_id" JOIN "unit" u ON u."id" = q."unit_id" '
    'JOIN "plan" n ON n."id" = p."plan_id" '
)
ASKED_SQL = (
    f"SELECT {_COLUMNS}, "
    + ", ".join(f'{check} AS "{name}"' for name, check in _CHECKS.items())
    + f' {_FROM}WHERE q."id" = ?'
)
# the unit's open requests (the columns of OPEN_SQL among them), the checks made for one of
# them only (a CASE evaluates its subqueries for that row alone): ? × 4, then the unit
OPEN_ASKED_SQL = (
    f"SELECT {_COLUMNS}, "
    + ", ".join(
        f'CASE WHEN q."id" = ? THEN {check} END AS "{name}"' for name, check in _CHECKS.items()
    )
    + f" {_FROM}{OPEN_WHERE}"
)


def _asked(row: dict[str, Any]) -> Asked:
    return Asked(
        id=int(row["id"]),
        state=str(row["state"]),
        unit_id=int(row["unit_id"]),
        task_id=int(row["task_id"]),
        period_id=int(row["period_id"]),
        period=str(row["period"]),
        starts=day(row["starts"]) or date.min,
        due_on=day(row["due_on"]),
        plan_id=int(row["plan_id"]),
        number=str(row["number"]),
        title=str(row["title"]),
        goal=goal_of(requirements(row["requirements"])),
        unit=str(row["unit"]),
        role=None if row["role"] is None else str(row["role"]),
        versions=int(row["versions"] or 0),
        asks_problems=bool(row["asks_problems"]),
        asks_next_steps=bool(row["asks_next_steps"]),
        shared=bool(row["shared"]),
        leads=bool(row["leads"]),
        closing=bool(row["closing"]),
    )


async def asked(request_id: int) -> Asked | None:
    """The request ``request_id`` with its period, task, unit, role and last version."""
    found = await rows(ASKED_SQL, request_id)
    return _asked(found[0]) if found else None


async def open_asked(
    unit_id: int | None, request_id: int
) -> tuple[list[RequestView], Asked | None]:
    """The unit's open requests as :func:`bot.reporting.requests.open_requests` lists them,
    and request ``request_id`` as :func:`asked` reads it when it is one of them: one
    statement (a press on Submit authorises its request and ends listing what is left)."""
    if unit_id is None:
        return [], None
    found = await rows(OPEN_ASKED_SQL, *[request_id] * len(_CHECKS), unit_id)
    request = next((_asked(row) for row in found if row["id"] == request_id), None)
    return [open_view(row) for row in found], request


EARLIER_SQL = (
    "SELECT "  # noqa: S608 - column names only
    + ", ".join('q."period_id"' if c in REQUEST_COLUMNS else f'r."{c}"' for c in REPORT_COLUMNS)
    + ' FROM "progress_report" r '
    'JOIN "report_request" q ON q."id" = r."request_id" '
    'JOIN "reporting_period" p ON p."id" = q."period_id" '
    'WHERE r."task_id" = ? AND r."unit_id" = ? AND p."starts" < ? '
    'ORDER BY p."starts" DESC, r."submitted_at" DESC, r."id" DESC LIMIT 1'
)


async def earlier_of(task_id: int, unit_id: int, before: date) -> LatestReport | None:
    """The unit's last report on the task for a period starting before ``before``."""
    day_value = before if on_postgres() else before.isoformat()
    return read_report(await rows(EARLIER_SQL, task_id, unit_id, day_value))
