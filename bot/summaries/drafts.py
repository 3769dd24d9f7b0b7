"""Quarterly summaries (一季度一总结): drafts from the quarter's monthly reports, the reporter's
edits, the leader's approval (审定) or return, every version kept, the approved text sent on
to the secretariat."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from tortoise.transactions import in_transaction

from bot.domain.errors import RefusedError
from bot.domain.messages import N_, msg
from bot.domain.narrative import progress_text
from bot.domain.reporting import Quarter, Status
from bot.domain.workdays import add_workdays, is_workday
from bot.i18n import Translator
from bot.reporting import plainsql
from bot.reporting.latest import LatestReport, latest_in_periods
from bot.storage.models import (
    Assignment,
    AuditLog,
    Contact,
    Plan,
    QuarterlySummary,
    ReportingPeriod,
    Unit,
)

MIN_WORKDAYS = 3  # the lead unit gets at least this long to edit and have it approved
SUMMARY_MAX_CHARS = 8000


def last_workday(day: date, overrides: dict[date, bool]) -> date:
    """The last working day on or before ``day``."""
    while not is_workday(day, overrides):
        day -= timedelta(days=1)
    return day


async def ensure_quarter_period(
    plan: Plan, quarter: Quarter, today: date, overrides: dict[date, bool]
) -> ReportingPeriod:
    """The quarter's period: due the quarter's last working day (at least 3 working days away)."""
    period = await ReportingPeriod.get_or_none(plan=plan, kind="quarter", key=quarter.key)
    if period is not None:
        return period
    due = max(last_workday(quarter.ends, overrides), add_workdays(today, MIN_WORKDAYS, overrides))
    return await ReportingPeriod.create(
        plan=plan, kind="quarter", key=quarter.key, starts=quarter.starts, ends=quarter.ends,
        dispatch_on=today, due_on=due,
    )  # fmt: skip


def draft_text(
    tr: Translator, reports: list[LatestReport], units: dict[int, str], periods: dict[int, str]
) -> str:
    """Every unit's reports of the quarter, grouped by unit, newest first, statuses noted.

    ``units`` names the units and ``periods`` the months (by period id).
    """
    by_unit: dict[str, list[LatestReport]] = defaultdict(list)
    for report in sorted(reports, key=lambda r: r.submitted_at, reverse=True):
        by_unit[units[report.unit_id]].append(report)
    if not by_unit:
        return tr.gettext("No monthly reports this quarter.")
    blocks = []
    for unit, items in by_unit.items():
        lines = [f"【{unit}】"]
        for r in items:
            status = tr.gettext(Status(r.status).label)
            if r.percent is not None and r.status in ("in_progress", "behind"):
                status += f" {r.percent}%"
            said = progress_text(r.text, r.problems, r.next_steps, tr.gettext)
            lines.append(f"{periods[r.period_id]}（{status}）：{said}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


async def ensure_drafts(
    plan: Plan, period: ReportingPeriod, quarter: Quarter
) -> list[QuarterlySummary]:
    """A first draft for every task × lead unit that has none yet."""
    existing = set(await QuarterlySummary.filter(period=period).values_list("task_id", "unit_id"))
    leads = await Assignment.filter(
        task__plan_id=plan.id, task__retired_at=None, role="lead", retired_at=None
    ).select_related("task")
    months = dict(
        await ReportingPeriod.filter(
            plan_id=plan.id, kind="month", key__in=[m.key for m in quarter.months]
        ).values_list("id", "key")
    )
    latest = await latest_in_periods(list(months))
    per_task: dict[int, list[LatestReport]] = defaultdict(list)
    for report in sorted(latest, key=lambda r: r.id):  # equal times keep the order of rows
        per_task[report.task_id].append(report)
    units = dict(
        await Unit.filter(id__in=sorted({r.unit_id for r in latest})).values_list("id", "name")
    )
    created = []
    for lead in leads:
        if (lead.task_id, lead.unit_id) in existing:
            continue
        reporter = await Contact.filter(unit_id=lead.unit_id, active=True, role="reporter").first()
        tr = Translator(reporter.locale if reporter else None)
        created.append(
            await QuarterlySummary.create(
                period=period,
                task_id=lead.task_id,
                unit_id=lead.unit_id,
                version=1,
                text=draft_text(tr, per_task[lead.task_id], units, months),
                state="draft",
            )
        )
    return created


async def latest_version(summary_id: int) -> QuarterlySummary:
    """The newest version of the summary ``summary_id`` belongs to (refused if unknown)."""
    summary = await QuarterlySummary.get_or_none(id=summary_id)
    if summary is None:
        raise RefusedError(msg(N_("That summary does not exist.")))
    newest = (
        await QuarterlySummary.filter(
            period_id=summary.period_id, task_id=summary.task_id, unit_id=summary.unit_id
        )
        .order_by("-version")
        .select_related("task", "unit", "period")
        .first()
    )
    assert newest is not None
    return newest


async def authorised(
    contact: Contact, summary_id: int, *, states: tuple[str, ...]
) -> QuarterlySummary:
    """The newest version, if it is the contact's unit's and in one of ``states``."""
    newest = await latest_version(summary_id)
    if contact.unit_id is None or newest.unit_id != contact.unit_id:
        raise RefusedError(msg(N_("That summary belongs to another unit.")))
    if newest.state not in states:
        raise RefusedError(msg(ALREADY.get(newest.state, ALREADY["draft"])))
    return newest


# "This summary is already …", one sentence per state (never the stored English word).
ALREADY = {
    "draft": N_("This summary is still a draft; nothing to do."),
    "pending": N_("This summary is already waiting for approval; nothing to do."),
    "approved": N_("This summary is already approved; nothing to do."),
    "returned": N_("This summary was returned for changes; nothing to do."),
}


WAITING_SQL = (  # whether any of a unit's summaries waits for the reporter (draft or returned)
    'SELECT 1 FROM "quarterly_summary" WHERE "unit_id" = ? '
    "AND \"state\" IN ('draft', 'returned') LIMIT 1"
)


async def rewritable(unit_id: int | None) -> list[QuarterlySummary]:
    """The unit's summaries of its latest quarter waiting for the reporter (a draft, or
    returned): their newest versions, with task and period. An earlier quarter's draft left
    unsubmitted is not asked about again with every message."""
    if unit_id is None:
        return []
    if not await plainsql.rows(WAITING_SQL, unit_id):  # most of the year: one plain look, no model
        return []
    rows = await QuarterlySummary.filter(unit_id=unit_id).select_related("task", "period")
    if not rows:
        return []
    latest = max(row.period.starts for row in rows)
    newest: dict[tuple[int, int], QuarterlySummary] = {}
    for row in sorted(rows, key=lambda r: r.version):
        if row.period.starts == latest:
            newest[(row.period_id, row.task_id)] = row
    return [s for s in newest.values() if s.state in ("draft", "returned")]


def _check_text(text: str) -> str:
    clean = text.strip()
    if not clean:
        raise RefusedError(msg(N_("The summary is empty.")))
    if len(clean) > SUMMARY_MAX_CHARS:
        raise RefusedError(
            msg(
                N_("The summary has {count} characters; at most {limit}."),
                count=len(clean),
                limit=SUMMARY_MAX_CHARS,
            )
        )
    return clean


async def rewrite(contact: Contact, summary_id: int, text: str) -> QuarterlySummary:
    """A new version with the reporter's text (a draft until submitted)."""
    clean = _check_text(text)
    async with in_transaction():
        newest = await authorised(contact, summary_id, states=("draft", "returned"))
        return await QuarterlySummary.create(
            period_id=newest.period_id, task_id=newest.task_id, unit_id=newest.unit_id,
            version=newest.version + 1, text=clean, state="draft", author=contact,
        )  # fmt: skip


async def submit(contact: Contact, summary_id: int) -> QuarterlySummary:
    """Send the newest version to the unit's leader for approval (a returned one is copied)."""
    async with in_transaction():
        newest = await authorised(contact, summary_id, states=("draft", "returned"))
        if newest.state == "returned":
            newest = await QuarterlySummary.create(
                period_id=newest.period_id, task_id=newest.task_id, unit_id=newest.unit_id,
                version=newest.version + 1, text=newest.text, state="pending", author=contact,
            )  # fmt: skip
        else:
            newest.state, newest.author = "pending", contact
            await newest.save(update_fields=["state", "author_id"])
        await AuditLog.create(
            actor=contact.identity,
            action="summary.submit",
            subject=str(newest.id),
            detail={"version": newest.version},
        )
    return await latest_version(newest.id)


async def decide(
    leader: Contact, summary_id: int, *, now: datetime, approve: bool, comment: str = ""
) -> QuarterlySummary:
    """The leader's decision (审定): approve, or return with a comment."""
    if leader.role != "leader":
        raise RefusedError(msg(N_("Only the unit’s leader can approve or return a summary.")))
    if not approve and not comment.strip():
        raise RefusedError(msg(N_("Write what should change, so the reporter knows.")))
    async with in_transaction():
        newest = await authorised(leader, summary_id, states=("pending",))
        await newest.fetch_related("author")
        author = newest.author
        if author is not None and (author.id == leader.id or author.identity == leader.identity):
            raise RefusedError(
                msg(N_("You wrote this summary, so someone else must approve or return it."))
            )
        newest.state = "approved" if approve else "returned"
        newest.reviewer, newest.decided_at = leader, now
        newest.comment = comment.strip()[:2000] or None  # type: ignore[assignment]
        await newest.save(update_fields=["state", "reviewer_id", "decided_at", "comment"])
        await AuditLog.create(
            actor=leader.identity,
            action=f"summary.{newest.state}",
            subject=str(newest.id),
            detail={"version": newest.version},
        )
    return await latest_version(newest.id)
