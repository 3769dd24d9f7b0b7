"""A task two plans share, asked once and filed to both.

A unit asked in the same period about twin tasks of different plans (same title and goal:
:func:`bot.domain.twins.task_text_key`) sees the task once, under the first plan, with a note
naming the other (:func:`fold_twins`); the report it stores on one request is stored as a
version of the twin request too, with the same status, percent, narrative and files, each with
its audit row (:func:`file_to_twins`), so both plans' lights, digests and exports see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.twins import task_text_key
from bot.reporting.asked import Asked, asked, requirements
from bot.reporting.plainsql import rows
from bot.reporting.requests import RequestView, goal_of
from bot.storage.models import Attachment, AuditLog, ProgressReport


@dataclass(frozen=True, slots=True)
class Asking:
    """A request as a prompt lists it, with its twins in other plans (answered with it)."""

    view: RequestView
    twins: tuple[RequestView, ...] = ()


def fold_twins(views: list[RequestView]) -> list[Asking]:
    """``views`` in their order, a twin of an earlier view (same unit and period, another
    plan, the same task text) folded into it instead of listed again."""
    if len({view.plan_id for view in views}) < 2:  # one plan: no twins to fold
        return [Asking(view) for view in views]
    first: dict[tuple[int, str, str], int] = {}
    folded: list[tuple[RequestView, list[RequestView]]] = []
    for view in views:
        text = task_text_key(view.title, view.goal)
        key = (view.unit_id, view.period, text)
        at = first.get(key)
        if text and at is not None and view.plan_id not in _plans(folded[at]):
            folded[at][1].append(view)
            continue
        if text and at is None:
            first[key] = len(folded)
        folded.append((view, []))
    return [Asking(view, tuple(twins)) for view, twins in folded]


def _plans(entry: tuple[RequestView, list[RequestView]]) -> set[int]:
    return {entry[0].plan_id, *(t.plan_id for t in entry[1])}


TWINS_SQL = (  # the unit's open requests of the same period in other active plans
    'SELECT q."id", t."title", t."requirements" FROM "report_request" q '
    'JOIN "reporting_period" p ON p."id" = q."period_id" JOIN "plan" l ON l."id" = p."plan_id" '
    'JOIN "task" t ON t."id" = q."task_id" '
    'WHERE q."unit_id" = ? AND p."key" = ? AND p."plan_id" <> ? AND l."retired_at" IS NULL '
    "AND q.\"state\" IN ('open', 'answered') AND t.\"retired_at\" IS NULL "
    'ORDER BY p."plan_id", q."id"'
)


async def twin_requests(request: Asked) -> list[int]:
    """The open requests of other active plans that are twins of ``request``: the same unit
    and period, a task with the same title and goal."""
    text = task_text_key(request.title, request.goal)
    if not text or not request.shared:  # no other plan asks the unit in this period
        return []
    candidates = await rows(TWINS_SQL, request.unit_id, request.period, request.plan_id)
    return [
        int(row["id"])
        for row in candidates
        if task_text_key(str(row["title"]), goal_of(requirements(row["requirements"]))) == text
    ]


ANSWERED_SQL = 'UPDATE "report_request" SET "state" = \'answered\' WHERE "id" = ?'


async def file_to_twins(
    request: Asked, report: ProgressReport, *, actor: str, now: datetime, today: date
) -> list[int]:
    """Store ``report`` (just stored on ``request``) as a new version of each twin request,
    with its files and an audit row; a twin answered and past its deadline is left as it is.
    The twin requests filed to."""
    filed: list[int] = []
    twins = await twin_requests(request)
    if not twins:
        return filed
    files = (
        await Attachment.filter(report_id=report.id)
        .order_by("id")
        .values("contact_id", "kind", "path", "sha256", "size", "mime", "original_name")
        if report.id
        else []
    )
    for twin_id in twins:
        twin = await asked(twin_id)
        if twin is None or twin.state == "closed":
            continue
        if twin.versions and twin.due_on is not None and today > twin.due_on:
            continue  # no late revision of the twin either
        copy = await ProgressReport.create(
            request_id=twin.id, task_id=twin.task_id, unit_id=twin.unit_id,
            contact_id=report.contact_id, version=twin.versions + 1, status=report.status,
            percent=report.percent, text=report.text,
            late=twin.due_on is not None and today > twin.due_on, carried=report.carried,
            source_ref=report.source_ref, problems=report.problems,
            next_steps=report.next_steps, submitted_at=now,
        )  # fmt: skip
        for file in files:
            await Attachment.create(report_id=copy.id, **file)
        await rows(ANSWERED_SQL, twin.id)
        await AuditLog.create(
            actor=actor,
            action="report.submit",
            subject=f"{twin.period}:{twin.number}",
            detail={
                "request": twin.id,
                "version": copy.version,
                "status": report.status,
                "carried": report.carried,
                "twin_of": request.id,
            },
        )
        filed.append(twin.id)
    return filed
