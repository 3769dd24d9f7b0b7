"""Posting the digest to the secretariat (its bound chats and people), with the filled table.

Scheduled once per month after the deadline; on demand with ``/digest`` or
``duban digest --post`` (those are keyed by time, so they always go out).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.cadence.calendar import workday_overrides
from bot.cadence.jobs import active_plans
from bot.delivery.outbox import enqueue
from bot.domain.cadence import Cadence, digest_time
from bot.domain.conversation import Outbound, OutFile
from bot.domain.reporting import Month
from bot.i18n import Translator
from bot.oversight.digest import Digest, build_digest
from bot.oversight.exports import export_month
from bot.oversight.portfolio import run_portfolio
from bot.oversight.rankings import digest_additions
from bot.people import recipients
from bot.plans.selection import plan_for
from bot.render.digest import digest_text, digest_title
from bot.reporting.records import latest_period
from bot.storage.models import OutboxMessage

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True, slots=True)
class Published:
    """What a posting did."""

    digest: Digest
    queued: int


async def digest_message(
    month: Month, *, locale: str, data_dir: Path, today: date, zone: ZoneInfo, plan_id: int | None
) -> tuple[Digest, Outbound]:
    """The digest in one locale, with the filled table attached."""
    relative = Path("exports") / f"plan{plan_id or 'latest'}-{month.key}-{locale}.xlsx"
    digest = await export_month(
        month, "xlsx", data_dir / relative, today=today, zone=zone, locale=locale, plan_id=plan_id
    )
    tr = Translator(locale)
    name = tr.gettext("Progress {period}.xlsx", period=month.key)
    added = await digest_additions(tr, plan_id=digest.plan_id, today=today)  # 督办, 通报排名
    outbound = Outbound(
        title=digest_title(tr, digest),
        text="\n\n".join(filter(None, [digest_text(tr, digest), added])),
        files=(OutFile(relative.as_posix(), name, XLSX_MIME),),
        locale=tr.locale,
    )
    return digest, outbound


async def post_digest(
    month: Month,
    *,
    now: datetime,
    zone: ZoneInfo,
    data_dir: Path,
    plan_id: int | None = None,
    tag: str = "scheduled",
) -> Published:
    """Queue the digest to the plan's secretariat chats and people and to the admins, who see
    every plan (once per ``tag``)."""
    today = now.astimezone(zone).date()
    if plan_id is None:  # the only active plan (refused when several are: name one)
        plan = await plan_for(None)
        plan_id = plan.id if plan is not None else None
    cache: dict[str, tuple[Digest, Outbound]] = {}
    queued = 0
    digest: Digest | None = None
    for person in await recipients.secretariat(plan_id):
        if person.locale not in cache:
            cache[person.locale] = await digest_message(
                month,
                locale=person.locale,
                data_dir=data_dir,
                today=today,
                zone=zone,
                plan_id=plan_id,
            )
        digest, outbound = cache[person.locale]
        key = f"digest:{digest.plan_id}:{month.key}:{tag}:{person.key}"
        if await enqueue(key, person.identity, outbound, now=now, contact_id=person.contact_id):
            queued += 1
    if digest is None:
        digest = await build_digest(month, today=today, plan_id=plan_id)
    return Published(digest, queued)


async def run_digest(now: datetime, zone: ZoneInfo, data_dir: Path) -> int:
    """The scheduled job: the month's digest once its time after the deadline has come."""
    overrides = await workday_overrides()
    local = now.astimezone(zone)
    queued = 0
    for plan in await active_plans():
        period = await latest_period(plan)
        if period is None or period.due_on is None:
            continue
        if digest_time(period.due_on, Cadence.from_json(plan.cadence), zone, overrides) > local:
            continue
        people = await recipients.secretariat(plan.id)
        keys = [f"digest:{plan.id}:{period.key}:scheduled:{person.key}" for person in people]
        if not keys or await OutboxMessage.filter(key__in=keys).count() == len(keys):
            continue  # posted to everyone already: the export is not rebuilt on every tick
        month = Month.parse(period.key)
        assert month is not None
        queued += (
            await post_digest(month, now=now, zone=zone, data_dir=data_dir, plan_id=plan.id)
        ).queued
    return queued + await run_portfolio(now, zone)  # the admins' all-plans line, once
