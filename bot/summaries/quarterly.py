"""The quarterly digest (季度汇总) and the written materials (书面材料) of a quarter."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.cadence.jobs import active_plans
from bot.delivery.outbox import enqueue
from bot.domain.conversation import Outbound
from bot.domain.errors import RefusedError
from bot.domain.messages import N_, msg
from bot.domain.reporting import Quarter
from bot.i18n import Translator
from bot.people import recipients
from bot.plans.selection import plan_for
from bot.render.progress import ProgressDocument, write_progress_docx
from bot.render.register import register_table
from bot.storage.models import Plan, ReportingPeriod
from bot.storage.register import load_tasks, plan_meta
from bot.summaries.cycle import QuarterRow, quarter_rows

STATES = ("approved", "pending", "returned", "missing")
STATE_LABELS = {
    "approved": N_("approved"),
    "pending": N_("pending approval"),
    "returned": N_("returned"),
    "missing": N_("not submitted"),
}


async def stored_quarter_period(
    quarter: Quarter, plan_id: int | None = None
) -> tuple[Plan, ReportingPeriod]:
    """The stored quarter period (refused when its summaries were never started)."""
    plan = await plan_for(plan_id)
    if plan is None:
        raise RefusedError(msg(N_("No plan has been imported yet; run “duban import FILE” first.")))
    period = await ReportingPeriod.get_or_none(plan=plan, kind="quarter", key=quarter.key)
    if period is None:
        raise RefusedError(
            msg(N_("The summaries of {period} have not started yet."), period=quarter.key)
        )
    return plan, period


def quarter_text(tr: Translator, rows: list[QuarterRow]) -> str:
    """Counts by state, then each task × lead unit that is not approved."""
    counts = {state: sum(1 for r in rows if r.state == state) for state in STATES}
    lines = [
        tr.gettext(
            "{approved} approved · {pending} pending approval · {returned} returned · "
            "{missing} not submitted",
            **counts,
        )
    ]
    for state in ("returned", "pending", "missing"):
        for row in (r for r in rows if r.state == state):
            lines.append(
                f"{row.number}. {row.title[:24]} — {row.unit}：{tr.gettext(STATE_LABELS[state])}"
            )
    return "\n".join(lines)


def quarter_json(quarter: Quarter, rows: list[QuarterRow]) -> dict[str, object]:
    """``duban digest --period 2026-Q4 --json``."""
    return {
        "period": quarter.key,
        "summaries": [
            {
                "number": r.number,
                "title": r.title,
                "unit": r.unit,
                "state": r.state,
                "version": r.version,
            }
            for r in rows
        ],
    }


async def write_materials(
    quarter: Quarter, out: Path, *, locale: str, plan_id: int | None = None
) -> None:
    """The written material: each task's approved summaries, then the table with them filled."""
    plan, period = await stored_quarter_period(quarter, plan_id)
    rows = await quarter_rows(period)
    tr = Translator(locale)
    approved: dict[str, list[str]] = {}
    for row in rows:
        text = row.text if row.state == "approved" else tr.gettext(STATE_LABELS[row.state])
        approved.setdefault(row.number, []).append(f"【{row.unit}】{text}")
    tasks = await load_tasks(plan.id)
    filled = {number: "\n".join(parts) for number, parts in approved.items()}
    document = ProgressDocument(
        table=register_table(
            plan_meta(plan),
            tasks,
            list(plan.columns),
            dict(plan.headers),
            filled,
            deadlines={t.number: t.deadline_words for t in tasks if t.deadline_words},
        ),
        lights={},
        records=[],
        heading=tr.gettext("Written materials for {period}", period=quarter.key),
        sections=[(f"{t.number}. {t.title}", filled.get(t.number, "—")) for t in tasks],
    )
    await asyncio.to_thread(out.parent.mkdir, parents=True, exist_ok=True)
    await asyncio.to_thread(write_progress_docx, document, out)


async def run_quarter_digest(now: datetime, zone: ZoneInfo) -> int:
    """After a quarter's summaries are due: the quarterly digest to the secretariat, once."""
    local = now.astimezone(zone)
    queued = 0
    for plan in await active_plans():
        period = (
            await ReportingPeriod.filter(plan=plan, kind="quarter", due_on__lt=local.date())
            .order_by("-starts")
            .first()
        )
        if period is None:
            continue
        quarter = Quarter.parse(period.key)
        assert quarter is not None
        rows = await quarter_rows(period)
        for person in await recipients.secretariat(plan.id):  # its own and the admins
            tr = Translator(person.locale)
            outbound = Outbound(
                title=tr.gettext("Quarterly digest {period}", period=quarter.key),
                text=quarter_text(tr, rows),
                locale=tr.locale,
            )
            key = f"quarter-digest:{plan.id}:{quarter.key}:{person.key}"
            if await enqueue(key, person.identity, outbound, now=now, contact_id=person.contact_id):
                queued += 1
    return queued
