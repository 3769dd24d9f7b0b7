"""Graded 督办 (催办 → 督办单): the one use case behind the scheduler's ``supervise`` job and
``duban supervise``.

After the escalation (催办), every yellow or red (task, unit) item of each plan's latest period
(:func:`bot.domain.supervision.grade_item`) gets a numbered 督办单 once per grade: a docx in
公文 format sent to the unit's leaders and reporters with a button to reply with 整改措施, and a
line to the secretariat. Numbers run per plan and year and are never reused; two processes
issuing at once cannot give one number twice nor one item two notices (unique constraints).
"Done" and "missing" are :mod:`bot.domain.completion`'s, read as the lights read them
(:mod:`bot.reporting.completion`); a closed task (销号) is skipped.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from bot.cadence.calendar import workday_overrides
from bot.cadence.dispatch import closed_task_ids
from bot.cadence.jobs import active_plans
from bot.config import Settings
from bot.domain.reporting import Status
from bot.domain.supervision import (
    Grade,
    Graded,
    Reason,
    Thresholds,
    chinese_date,
    grade_item,
    item_facts,
    notice_number,
    reply_by,
    workdays_after,
)
from bot.domain.workdays import is_workday
from bot.oversight.notice_delivery import by_unit, note_issued, send_notices
from bot.reporting.completion import answering, collectives, done_tasks
from bot.reporting.latest import last_statuses
from bot.reporting.records import latest_period
from bot.storage.models import (
    AuditLog,
    Plan,
    ProgressReport,
    ReportingPeriod,
    ReportRequest,
    SupervisionNotice,
)

DAILY_HOUR = 9  # the scheduled run, once a working day from this local hour


@dataclass(frozen=True, slots=True)
class SupervisionRules:
    """The settings of graded 督办 (``DUBAN_SUPERVISION_*``, ``DUBAN_RANKINGS``)."""

    thresholds: Thresholds = field(default_factory=Thresholds)
    prefix: str = "青营商督"
    office: str = ""  # the issuing office; unset: the plan's 印发单位, else 督查室
    rankings: bool = False

    @classmethod
    def of(cls, settings: Settings) -> SupervisionRules:
        """The rules as the settings give them."""
        return cls(
            Thresholds(
                late_days=settings.supervision_late_days,
                due_soon_days=settings.supervision_due_soon_days,
                missed_periods=settings.supervision_missed_periods,
                reply_days=settings.supervision_reply_days,
            ),
            settings.supervision_prefix,
            settings.supervision_office or "",
            settings.rankings,
        )

    @classmethod
    def current(cls) -> SupervisionRules:
        """The rules from the environment now (the scheduler's jobs get no settings)."""
        return cls.of(Settings())


@dataclass(frozen=True, slots=True)
class Item:
    """A graded (task, unit) item of a plan's period."""

    plan_id: int
    period: str
    task_id: int
    number: str
    title: str
    deadline: date | None
    unit_id: int
    unit: str
    graded: Graded
    due_on: date | None
    missed: int  # periods in a row without a report, this one included


@dataclass(slots=True)
class SupervisionReport:
    """What a run did (or, dry, would do)."""

    items: list[Item] = field(default_factory=list)
    issued: list[str] = field(default_factory=list)  # the numbers issued
    queued: int = 0


async def _missed_before(period: ReportingPeriod, depth: int) -> dict[tuple[int, int], int]:
    """Per (task, unit), how many periods right before ``period`` went unreported."""
    earlier = (
        await ReportingPeriod.filter(plan_id=period.plan_id, kind="month", starts__lt=period.starts)
        .order_by("-starts")
        .limit(max(depth, 0))
    )
    counts: dict[tuple[int, int], int] = defaultdict(int)
    alive: set[tuple[int, int]] | None = None
    for older in earlier:
        asked = {
            (int(t), int(u))
            for t, u in await ReportRequest.filter(period_id=older.id).values_list(
                "task_id", "unit_id"
            )
        }
        answered = {
            (int(t), int(u))
            for t, u in await ProgressReport.filter(request__period_id=older.id).values_list(
                "task_id", "unit_id"
            )
        }
        missing = asked - answered
        alive = missing if alive is None else alive & missing
        for pair in alive:
            counts[pair] += 1
    return counts


async def graded_items(
    plan: Plan, period: ReportingPeriod, today: date, thresholds: Thresholds, overrides: Any
) -> list[Item]:
    """The period's yellow and red items, in task order then unit name."""
    rows = (
        await ReportRequest.filter(period_id=period.id, task__retired_at=None)
        .order_by("task__position", "unit__name")
        .values_list("task_id", "unit_id", "task__number", "task__title", "task__deadline",
                     "unit__name")
    )  # fmt: skip
    answered = set(
        await ProgressReport.filter(request__period_id=period.id).values_list("task_id", "unit_id")
    )
    task_ids = list(dict.fromkeys(int(row[0]) for row in rows))
    found = await collectives()
    through = await answering(task_ids, found, plan.id)
    last = {
        pair: Status(one.status) for pair, one in (await last_statuses(plan_id=plan.id)).items()
    }
    done = await done_tasks(through, last)
    missed = await _missed_before(period, thresholds.missed_periods - 1)
    closed = await closed_task_ids(task_ids)  # 销号: nothing to urge
    items = []
    for task_id, unit_id, number, title, deadline, unit in rows:
        pair = (int(task_id), int(unit_id))
        if pair[0] in closed:
            continue
        facts = item_facts(
            pair[1],
            deadline=deadline,
            answering=through[pair[0]],
            task_done=pair[0] in done,
            last=last.get(pair),
            collectives=found,
            answered=pair in answered,
            due_on=period.due_on,
            missed_before=missed.get(pair, 0),
        )
        graded = grade_item(facts, today, thresholds, overrides)
        if graded is not None:
            items.append(
                Item(plan.id, period.key, pair[0], str(number), str(title), deadline, pair[1],
                     str(unit), graded, period.due_on, facts.missed_before + 1)
            )  # fmt: skip
    return items


def _reasons(
    item: Item, today: date, thresholds: Thresholds, overrides: Any
) -> list[dict[str, Any]]:
    params = {
        "deadline": chinese_date(item.deadline) if item.deadline else "",
        "due": chinese_date(item.due_on) if item.due_on else "",
        "period": item.period,
        "periods": item.missed,
        "days": (
            thresholds.due_soon_days
            if Reason.DUE_SOON in item.graded.reasons
            else workdays_after(item.due_on, today, overrides)
            if item.due_on
            else 0
        ),
    }
    return [{"reason": r.value, "params": params} for r in item.graded.reasons]


async def _issue(
    item: Item, today: date, rules: SupervisionRules, overrides: Any
) -> SupervisionNotice | None:
    """Create the item's notice with the next number; ``None`` when it exists already."""
    grade = item.graded.grade.value
    for _ in range(10):
        if await SupervisionNotice.filter(
            task_id=item.task_id, unit_id=item.unit_id, grade=grade
        ).exists():
            return None
        top = (
            await SupervisionNotice.filter(plan_id=item.plan_id, year=today.year)
            .order_by("-number")
            .limit(1)
            .values("number")
        )
        last = int(top[0]["number"]) if top else 0
        try:
            async with in_transaction():
                return await SupervisionNotice.create(
                    plan_id=item.plan_id,
                    prefix=rules.prefix,
                    year=today.year,
                    number=last + 1,
                    task_id=item.task_id,
                    unit_id=item.unit_id,
                    grade=grade,
                    reasons=_reasons(item, today, rules.thresholds, overrides),
                    period_key=item.period,
                    issued_on=today,
                    reply_by=reply_by(today, rules.thresholds, overrides),
                )
        except IntegrityError:  # another process took the number or issued this notice
            continue
    return None


async def run_supervision(
    now: datetime,
    zone: ZoneInfo,
    data_dir: Path,
    rules: SupervisionRules | None = None,
    *,
    dry_run: bool = False,
) -> SupervisionReport:
    """Issue a 督办单 for each graded item of every monthly plan's latest period, once per
    grade (a red item that had a yellow notice gets a red one); ``dry_run`` only lists them."""
    rules = rules or SupervisionRules.current()
    report = SupervisionReport()
    overrides = await workday_overrides()
    today = now.astimezone(zone).date()
    for plan in await active_plans():
        period = await latest_period(plan)
        if period is None:
            continue
        items = await graded_items(plan, period, today, rules.thresholds, overrides)
        report.items.extend(items)
        if dry_run:
            continue
        for item in items:
            if (
                item.graded.grade is Grade.YELLOW
                and await SupervisionNotice.filter(
                    task_id=item.task_id, unit_id=item.unit_id, grade=Grade.RED.value
                ).exists()
            ):
                continue  # already at the higher level
            notice = await _issue(item, today, rules, overrides)
            if notice is not None:
                report.issued.append(notice_number(notice.prefix, notice.year, notice.number))
    if not dry_run:
        report.queued += await send_pending(rules, data_dir, now)
    return report


async def send_pending(rules: SupervisionRules, data_dir: Path, now: datetime) -> int:
    """Send the notices issued but not sent yet (a run stopped between the two)."""
    pending = list(
        await SupervisionNotice.filter(path="")
        .select_related("plan", "task", "unit")
        .order_by("id")
    )
    queued = 0
    for group in by_unit(pending):
        queued += await send_notices(group, rules.office, data_dir, now)
    return queued + await note_issued(pending, now)


async def run_daily_supervision(now: datetime, zone: ZoneInfo, data_dir: Path) -> int:
    """The scheduler's job: once a working day, from 09:00, after the escalation (催办) has
    run in the same tick; on other ticks only what a stopped run left unsent. The day's run
    is in the audit log, so another scheduler process taking over does not repeat it."""
    rules = SupervisionRules.current()
    local = now.astimezone(zone)
    subject = f"supervise:{local.date().isoformat()}"
    if (
        local.hour < DAILY_HOUR
        or not is_workday(local.date(), await workday_overrides())
        or await AuditLog.filter(action="supervise", subject=subject).exists()
    ):
        return await send_pending(rules, data_dir, now)
    report = await run_supervision(now, zone, data_dir, rules)
    await AuditLog.create(actor="scheduler", action="supervise", subject=subject,
                          detail={"issued": report.issued, "queued": report.queued})  # fmt: skip
    return report.queued
