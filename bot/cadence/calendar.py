"""The working-day calendar: the admin's holiday table (official holidays and 调休 working days
chinesecalendar lacks), and the yearly check that tells the secretariat when a year is missing."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from bot.delivery.outbox import enqueue
from bot.domain.conversation import Outbound
from bot.domain.errors import RefusedError
from bot.domain.messages import N_, msg
from bot.domain.workdays import calendar_knows
from bot.i18n import Translator
from bot.people import recipients
from bot.storage.models import AuditLog, CalendarDay

KINDS = {
    "holiday": "holiday",
    "休": "holiday",
    "假": "holiday",
    "节假日": "holiday",
    "workday": "workday",
    "班": "workday",
    "上班": "workday",
    "调休上班": "workday",
}


def parse_day(value: str) -> date:
    """``2027-01-01`` → a date; refused otherwise."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise RefusedError(
            msg(N_("“{value}” is not a date; write it as YYYY-MM-DD."), value=value.strip()[:40])
        ) from exc


def parse_kind(value: str) -> str:
    """``holiday``/``休`` or ``workday``/``班``; refused otherwise."""
    kind = KINDS.get(value.strip().lower())
    if kind is None:
        raise RefusedError(
            msg(N_("“{value}” is neither holiday (休) nor workday (班)."), value=value.strip()[:40])
        )
    return kind


async def set_days(days: list[tuple[date, str, str]], actor: str) -> int:
    """Store or replace days, all or nothing; returns how many."""
    async with in_transaction():
        for day, kind, note in days:
            existing = await CalendarDay.get_or_none(day=day)
            if existing is None:
                await CalendarDay.create(day=day, kind=kind, note=note[:200])
            else:
                existing.kind, existing.note = kind, note[:200]
                await existing.save()
        await AuditLog.create(
            actor=actor, action="calendar.set", subject=f"{len(days)} days",
            detail={"days": [d.isoformat() for d, _, _ in days][:100]},
        )  # fmt: skip
    return len(days)


def read_days(text: str) -> list[tuple[date, str, str]]:
    """CSV lines ``date,kind[,note]`` (a header line and blank lines are skipped)."""
    days = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), 1):
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].lower() in ("date", "日期"):
            continue
        if len(cells) < 2:
            raise RefusedError(msg(N_("Line {line}: write “date,kind[,note]”."), line=number))
        try:
            day, kind = parse_day(cells[0]), parse_kind(cells[1])
        except RefusedError as refused:
            raise RefusedError(
                msg(
                    N_("Line {line}: write a date as YYYY-MM-DD and holiday (休) or workday (班)."),
                    line=number,
                )
            ) from refused
        days.append((day, kind, cells[2] if len(cells) > 2 else ""))
    if not days:
        raise RefusedError(msg(N_("The file lists no days.")))
    return days


async def workday_overrides() -> dict[date, bool]:
    """Holidays and make-up days an admin entered: day → True for a working day."""
    return {d.day: d.kind == "workday" for d in await CalendarDay.all()}


async def list_days(year: int | None = None) -> list[CalendarDay]:
    """The entered days, oldest first."""
    query = CalendarDay.all()
    if year is not None:
        query = query.filter(day__gte=date(year, 1, 1), day__lte=date(year, 12, 31))
    return list(await query.order_by("day"))


async def run_calendar_check(now: datetime, zone: ZoneInfo) -> int:
    """Tell the secretariat once per year when the working-day calendar lacks that year."""
    today = now.astimezone(zone).date()
    years = [today.year] + ([today.year + 1] if today.month >= 11 else [])
    queued = 0
    for year in years:
        if calendar_knows(year):
            continue
        for person in await recipients.secretariat():
            tr = Translator(person.locale)
            text = tr.gettext(
                "The working-day calendar has no official holidays for {year}: until they are "
                "entered, Monday to Friday count as working days. Enter the holidays and "
                "make-up working days with “duban calendar add” or “duban calendar import”.",
                year=year,
            )
            message = Outbound(text=text, locale=tr.locale)
            key = f"calendar:{year}:{person.key}"
            if await enqueue(key, person.identity, message, now=now, contact_id=person.contact_id):
                queued += 1
    return queued
