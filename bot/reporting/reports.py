"""Progress reports (进展情况): a request authorised, a draft checked, a new version stored.

Reading what was stored (a unit's tasks, a task's history) is :mod:`bot.reporting.history`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from bot.domain.errors import RefusedError
from bot.domain.messages import N_, msg
from bot.domain.narrative import EXTRA_MAX_CHARS
from bot.domain.reporting import ATTACHMENTS_MAX, NARRATIVE_MAX_CHARS, Status
from bot.reporting.asked import Asked, asked, earlier_of
from bot.reporting.latest import LatestReport, request_latest
from bot.reporting.plainsql import numbered, on_postgres
from bot.reporting.requests import RequestView
from bot.reporting.twins import file_to_twins
from bot.storage.atomic import atomic
from bot.storage.inserts import insert_statement, inserted
from bot.storage.models import (
    AuditLog,
    Contact,
    ProgressReport,
    ReportRequest,
)
from bot.storage.trips import Statement, together


def _view(request: ReportRequest | Asked) -> RequestView:
    if isinstance(request, Asked):
        return RequestView(
            id=request.id,
            period=request.period,
            due_on=request.due_on,
            number=request.number,
            title=request.title,
            unit=request.unit,
            answered=request.state == "answered",
            unit_id=request.unit_id,
        )
    return RequestView(
        id=request.id,
        period=request.period.key,
        due_on=request.period.due_on,
        number=request.task.number,
        title=request.task.title,
        unit=request.unit.name,
        answered=request.state == "answered",
        unit_id=request.unit_id,
    )


async def authorised_request(contact: Contact, request_id: int) -> Asked:
    """The request ``request_id`` if ``contact`` may report on it; refused otherwise.

    One statement (:func:`bot.reporting.asked.asked`): the request with its period, task,
    unit, the unit's role and the last version, as a value the flow passes down.
    """
    request = await asked(request_id)
    if request is None or contact.unit_id is None or request.unit_id != contact.unit_id:
        raise RefusedError(msg(N_("That task is not one of your unit’s open requests.")))
    if request.state == "closed":
        raise RefusedError(
            msg(
                N_("The {period} request for task {number} is closed."),
                period=request.period,
                number=request.number,
            )
        )
    return request


def request_view(request: ReportRequest | Asked) -> RequestView:
    """The view of a request read by :func:`authorised_request` (or a model loaded with its
    period, task and unit)."""
    return _view(request)


LastReport = LatestReport  # the report a reporter starts from


async def previous_report(request: Asked) -> LastReport | None:
    """The starting point: this request's last version, else the unit's last report on the task
    for an earlier period (never a later month's: October's request does not start from
    November's report)."""
    own = await request_latest(request.id) if request.versions else None
    if own is not None:
        return own
    return await earlier_of(request.task_id, request.unit_id, request.starts)


@dataclass(frozen=True, slots=True)
class TaskContext:
    """What the reporter should see beside a task: its goal and the unit's part in it."""

    goal: str
    role: str | None  # lead | responsible | cooperating


def task_context(request: Asked) -> TaskContext:
    """The task's requirements (its goal) and the unit's role in it (牵头/责任/配合)."""
    return TaskContext(goal=request.goal, role=request.role)


def check_revisable(request: Asked, *, answered_before: bool, today: date) -> None:
    """Refused when the request was answered and its deadline has passed (no late revision)."""
    due_on = request.due_on
    if answered_before and due_on is not None and today > due_on:
        raise RefusedError(
            msg(
                N_("The {period} deadline ({due}) has passed; no more revisions."),
                period=request.period,
                due=due_on.isoformat(),
            )
        )


@dataclass(frozen=True, slots=True)
class Draft:
    """What a reporter is about to submit."""

    status: Status
    percent: int | None
    text: str
    attachments: tuple[int, ...] = ()
    carried: bool = False  # 本月无新进展: the last status carried forward, not a fresh report
    source_ref: str | None = None  # the chat message the text was read from
    problems: str | None = None  # 存在问题: None when not asked, "" for 无
    next_steps: str | None = None  # 下步打算: None when not asked, "" for 无


def check_narrative(text: str) -> str:
    """The narrative, trimmed; refused when empty or too long."""
    clean = text.strip()
    if not clean:
        raise RefusedError(msg(N_("The progress text is empty; write what was done this month.")))
    if len(clean) > NARRATIVE_MAX_CHARS:
        raise RefusedError(
            msg(
                N_(
                    "The text has {count} characters; a report takes at most {limit}. "
                    "Shorten it, or attach the full text as a file."
                ),
                count=len(clean),
                limit=NARRATIVE_MAX_CHARS,
            )
        )
    return clean


def check_extra(text: str) -> str:
    """A 存在问题 / 下步打算 answer, trimmed; refused when empty or too long."""
    clean = text.strip()
    if not clean:
        raise RefusedError(msg(N_("The answer is empty; write it, or send 无.")))
    if len(clean) > EXTRA_MAX_CHARS:
        raise RefusedError(
            msg(
                N_("The answer has {count} characters; at most {limit} are kept. Shorten it."),
                count=len(clean),
                limit=EXTRA_MAX_CHARS,
            )
        )
    return clean


async def submit_report(
    contact: Contact, request_id: int, draft: Draft, *, now: datetime, today: date
) -> ProgressReport:
    """Store a new version of the unit's report on the request (never overwrites one)."""
    report, _, _ = await store_report(contact, request_id, draft, now=now, today=today)
    return report


async def store_report(
    contact: Contact,
    request_id: int,
    draft: Draft,
    *,
    now: datetime,
    today: date,
    checked: Asked | None = None,
) -> tuple[ProgressReport, Asked, list[int]]:
    """:func:`submit_report`, with the request as it was read to authorise it (answered now)
    and the twin requests the report was also filed to.

    Two trips to the database: the request read once (authorisation, its last version, what
    the reply names), then its writes together (the version inserted, the files attached when
    there are any, the request marked answered, the audit row); its twins in other plans are
    looked up only when another plan asks the unit in the period (a report on a task two
    plans share is filed to both: :mod:`bot.reporting.twins`). ``checked``: the request as
    the caller read it through :func:`authorised_request` (or the unit's open requests) in the
    same transaction, so not read again.
    """
    text = check_narrative(draft.text)
    for extra in (draft.problems, draft.next_steps):
        if extra:
            check_extra(extra)
    if len(draft.attachments) > ATTACHMENTS_MAX:
        raise RefusedError(msg(N_("At most {limit} files per report."), limit=ATTACHMENTS_MAX))
    async with atomic():  # every refusal comes before the first write
        request = (
            checked
            if checked is not None and checked.id == request_id
            else await authorised_request(contact, request_id)
        )
        previous = request.versions
        due_on = request.due_on
        late = due_on is not None and today > due_on
        check_revisable(request, answered_before=bool(previous), today=today)
        report = ProgressReport(
            request_id=request.id,
            task_id=request.task_id,
            unit_id=request.unit_id,
            contact=contact,
            version=previous + 1,
            status=draft.status.value,
            percent=draft.percent,
            text=text,
            late=late,
            carried=draft.carried,
            source_ref=(draft.source_ref or "")[:64] or None,
            problems=draft.problems,
            next_steps=draft.next_steps,
            submitted_at=now,
        )
        audit = AuditLog(
            actor=contact.identity,
            action="report.submit",
            subject=f"{request.period}:{request.number}",
            detail={
                "request": request.id,
                "version": report.version,
                "status": draft.status.value,
                "carried": draft.carried,
            },
        )
        await _write(report, audit, request.id, contact.id, draft.attachments)
        twins = await file_to_twins(request, report, actor=contact.identity, now=now, today=today)
    return report, replace(request, state="answered", versions=report.version), twins


ANSWERED_SQL = 'UPDATE "report_request" SET "state" = \'answered\' WHERE "id" = ?'
# the version just inserted, found by its request and number (unique): the files are attached
# to it in the same trip as its insert, before its id is back
ATTACH_SQL = (
    'UPDATE "attachment" SET "report_id" = (SELECT r."id" FROM "progress_report" r '
    'WHERE r."request_id" = ? AND r."version" = ?) '
    'WHERE "contact_id" = ? AND "report_id" IS NULL AND "id" IN ({marks})'
)


async def _write(
    report: ProgressReport,
    audit: AuditLog,
    request_id: int,
    contact_id: int,
    files: tuple[int, ...],
) -> None:
    """The writes of a stored version in one trip (:func:`bot.storage.trips.together`): the
    version, its files, the request marked answered, the audit row; both rows get their ids."""
    postgres = on_postgres()
    statements: list[Statement] = [insert_statement(report)]
    if files:
        attach = ATTACH_SQL.format(marks=", ".join("?" * len(files)))
        values = [request_id, report.version, contact_id, *files]
        statements.append((numbered(attach, postgres), values))
    statements += [
        (numbered(ANSWERED_SQL, postgres), [request_id]),
        insert_statement(audit),
    ]
    found = await together(ProgressReport._meta.db, statements)
    inserted([report], found[0])
    inserted([audit], found[-1])
