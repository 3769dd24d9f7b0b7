"""Who hears what in the quarterly summary cycle, and the job that starts it.

The lead unit's reporters get each draft (送审 / 修改); its leaders get what was submitted
(审定通过 / 退回修改); the reporters hear the decision; the secretariat gets what was approved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.cadence.calendar import workday_overrides
from bot.cadence.jobs import active_plans
from bot.delivery.outbox import enqueue
from bot.domain.cadence import Cadence, month_schedule
from bot.domain.conversation import Button, Outbound
from bot.domain.payloads import payload
from bot.domain.reporting import Month, Quarter
from bot.domain.text import shorten
from bot.i18n import Translator
from bot.people import recipients
from bot.storage.models import QuarterlySummary, ReportingPeriod
from bot.summaries.drafts import ensure_drafts, ensure_quarter_period

PREVIEW = 1500


def _head(tr: Translator, summary: QuarterlySummary) -> str:
    return tr.gettext(
        "Quarterly summary {quarter} · task {number} {title} · version {version}",
        quarter=summary.period.key, number=summary.task.number,
        title=shorten(summary.task.title, 30), version=summary.version,
    )  # fmt: skip


def draft_card(tr: Translator, summary: QuarterlySummary) -> Outbound:
    """For the reporter: the draft, to submit as it is or rewrite."""
    due = summary.period.due_on.isoformat() if summary.period.due_on else "—"
    text = "\n".join(
        [
            shorten(summary.text, PREVIEW) if len(summary.text) > PREVIEW else summary.text,
            "",
            tr.gettext(
                "Submit it to your leader for approval by {due}, or send a rewritten text.", due=due
            ),
        ]
    )
    buttons = (
        (Button(tr.gettext("Submit for approval"), payload("a", summary.id)),),
        (Button(tr.gettext("Rewrite"), payload("w", summary.id)),),
    )
    return Outbound(text=text, title=_head(tr, summary), buttons=buttons, locale=tr.locale)


def review_card(tr: Translator, summary: QuarterlySummary) -> Outbound:
    """For the leader: approve (审定) or return with a comment."""
    buttons = (
        (Button(tr.gettext("Approve"), payload("y", summary.id)),),
        (Button(tr.gettext("Return with a comment"), payload("r", summary.id)),),
    )
    text = tr.gettext("{unit} submits this summary for your approval:", unit=summary.unit.name)
    return Outbound(
        text=f"{text}\n\n{summary.text}",
        title=_head(tr, summary),
        buttons=buttons,
        locale=tr.locale,
    )


async def _to_unit(
    summary: QuarterlySummary, role: str, tag: str, build: object, now: datetime
) -> int:
    people = (await recipients.unit_contacts([summary.unit_id], role)).get(summary.unit_id, [])
    queued = 0
    for person in people:
        outbound = build(Translator(person.locale), summary)  # type: ignore[operator]
        key = f"summary:{summary.id}:{tag}:{person.key}"
        if await enqueue(key, person.identity, outbound, now=now, contact_id=person.contact_id):
            queued += 1
    return queued


async def announce_draft(summary: QuarterlySummary, now: datetime) -> int:
    """Send a draft (or a returned version) to the lead unit's reporters."""
    return await _to_unit(summary, "reporter", "draft", draft_card, now)


async def announce_submitted(summary: QuarterlySummary, now: datetime) -> int:
    """Send a submitted version to the unit's leaders."""
    return await _to_unit(summary, "leader", "review", review_card, now)


def _decision(tr: Translator, summary: QuarterlySummary) -> Outbound:
    if summary.state == "approved":
        text = tr.gettext("Your leader approved the summary; it has gone to the secretariat.")
        return Outbound(text=text, title=_head(tr, summary), locale=tr.locale)
    text = tr.gettext("Your leader returned the summary: {comment}", comment=summary.comment or "")
    card = draft_card(tr, summary)
    return Outbound(
        text=f"{text}\n\n{card.text}", title=card.title, buttons=card.buttons, locale=tr.locale
    )


async def announce_decision(summary: QuarterlySummary, now: datetime) -> int:
    """Tell the reporters; an approved summary also goes to the secretariat."""
    queued = await _to_unit(summary, "reporter", f"decided-{summary.state}", _decision, now)
    if summary.state != "approved":
        return queued
    for person in await recipients.secretariat(summary.task.plan_id):
        tr = Translator(person.locale)
        head = tr.gettext("Approved: {unit}", unit=summary.unit.name)
        outbound = Outbound(
            text=f"{head}\n\n{summary.text}", title=_head(tr, summary), locale=tr.locale
        )
        key = f"summary:{summary.id}:approved:{person.key}"
        if await enqueue(key, person.identity, outbound, now=now, contact_id=person.contact_id):
            queued += 1
    return queued


async def run_quarter(now: datetime, zone: ZoneInfo) -> int:
    """In a quarter's last month, from its dispatch on: drafts for every task's lead units."""
    local = now.astimezone(zone)
    month = Month.of(local.date())
    if month.month % 3:
        return 0
    overrides = await workday_overrides()
    quarter = Quarter.of(month)
    queued = 0
    for plan in await active_plans():
        if not plan.quarterly_summary:
            continue
        if (
            month_schedule(month, Cadence.from_json(plan.cadence), zone, overrides).dispatch_at
            > local
        ):
            continue
        period = await ensure_quarter_period(plan, quarter, local.date(), overrides)
        await ensure_drafts(plan, period, quarter)
        for summary in await QuarterlySummary.filter(
            period=period, version=1, state="draft"
        ).select_related("task", "unit", "period"):
            queued += await announce_draft(summary, now)
    return queued


@dataclass(frozen=True, slots=True)
class QuarterRow:
    """A task × lead unit in the quarterly digest."""

    number: str
    title: str
    unit: str
    state: str  # approved | pending | returned | missing
    version: int
    text: str


async def quarter_rows(period: ReportingPeriod) -> list[QuarterRow]:
    """The newest version of every summary of the quarter, in plan order."""
    newest: dict[tuple[int, int], QuarterlySummary] = {}
    for summary in (
        await QuarterlySummary.filter(period=period)
        .select_related("task", "unit")
        .order_by("task__position", "unit__name", "version")
    ):
        newest[(summary.task_id, summary.unit_id)] = summary
    return [
        QuarterRow(
            number=s.task.number,
            title=s.task.title,
            unit=s.unit.name,
            state=s.state if s.state in ("approved", "pending", "returned") else "missing",
            version=s.version,
            text=s.text,
        )
        for s in newest.values()
    ]
