"""Exports of a month: the filled table (xlsx), the written material (docx), the chart (png).

Built from the digest and the stored reports; written off the event loop, into a temporary
file of its own that is then renamed into place, so two exports of the same month never write
into one file and a reader (the sender attaching it) never sees half of one.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.domain.cadence import previous_month
from bot.domain.errors import RefusedError
from bot.domain.lights import Light
from bot.domain.messages import N_, msg
from bot.domain.narrative import progress_text
from bot.domain.reporting import Month, Status
from bot.domain.units import UnitKind
from bot.i18n import Translator
from bot.oversight import collector
from bot.oversight.digest import Digest, digest_and_reports
from bot.render.chart import ChartData, write_chart_png
from bot.render.progress import (
    ProgressDocument,
    UnitRecord,
    write_progress_docx,
    write_progress_xlsx,
)
from bot.render.register import register_table
from bot.reporting.latest import LatestReport, latest_in_period
from bot.reporting.plainsql import rows as plain_rows
from bot.storage.models import Plan, ReportingPeriod, ReportRequest
from bot.storage.register import load_tasks, plan_meta

FORMATS = ("xlsx", "docx", "png")
MIMES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "png": "image/png",
}
RATE_MONTHS = 6
T = TypeVar("T")


def _status_text(tr: Translator, status: str, percent: int | None) -> str:
    label = tr.gettext(Status(status).label)
    return (
        f"{label} {percent}%"
        if percent is not None and status in ("in_progress", "behind")
        else label
    )


# every version of a period's reports, with its task, unit and contact: read as plain rows
# (a month of 2 000 tasks has about 7 000; the ORM parsed each one's time at length)
RECORDS_SQL = (
    'SELECT t."position", t."number", t."title", u."name" AS "unit", r."status", r."percent", '
    'r."text", r."problems", r."next_steps", c."display_name" AS "name", c."identity", '
    'r."submitted_at", r."version", r."late" '
    'FROM "progress_report" r JOIN "report_request" q ON q."id" = r."request_id" '
    'JOIN "task" t ON t."id" = r."task_id" JOIN "unit" u ON u."id" = r."unit_id" '
    'LEFT JOIN "contact" c ON c."id" = r."contact_id" WHERE q."period_id" = ?'
)


def _moment(value: datetime | str) -> datetime:
    """A stored time, aware (SQLite hands back ISO text, asyncpg an aware datetime)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def _unit_records(
    period_id: int, tr: Translator, zone: ZoneInfo, silent: set[str]
) -> list[UnitRecord]:
    """A record per unit asked in the period: each version of its reports, and a row for each
    request it did not answer (which the writer marks 未报送). A unit in ``silent`` is left
    out unless it reported (a collective nobody answers for is no silent unit)."""
    rows: dict[str, list[tuple[int, int, list[str]]]] = defaultdict(list)
    labels = {s.value: tr.gettext(s.label) for s in Status}
    for report in await plain_rows(RECORDS_SQL, period_id):
        moment = _moment(report["submitted_at"])
        said = progress_text(report["text"], report["problems"], report["next_steps"], tr.gettext)
        who = report["name"] or (report["identity"] or "").split(":", 1)[-1]
        rows[report["unit"]].append(
            (
                report["position"],
                report["version"],
                [
                    report["number"],
                    report["title"],
                    labels[report["status"]],
                    "" if report["percent"] is None else f"{report['percent']}%",
                    said,
                    who,
                    moment.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                    str(report["version"]),
                    "是" if report["late"] else "",
                ],
            )
        )
    for position, number, title, unit in (
        await ReportRequest.filter(period_id=period_id, reports__id__isnull=True)
        .order_by("task__position")
        .values_list("task__position", "task__number", "task__title", "unit__name")
    ):
        if unit not in silent or unit in rows:
            rows[unit].append((position, 0, [number, title, "", "", "", "", "", "", ""]))
    return [
        UnitRecord(unit, [row for _, _, row in sorted(rows[unit], key=lambda r: r[:2])])
        for unit in sorted(rows)
    ]


async def _records(
    digest: Digest, period_id: int, tr: Translator, zone: ZoneInfo
) -> list[UnitRecord]:
    """:func:`_unit_records`, a collective left out unless it reported or the digest counts it."""
    asked_units = {u.unit for u in digest.units}
    collectives = {
        str(name)
        for name in await ReportRequest.filter(
            period_id=period_id, unit__kind=UnitKind.COLLECTIVE.value
        ).values_list("unit__name", flat=True)
    }
    return await _unit_records(period_id, tr, zone, collectives - asked_units)


async def progress_document(
    digest: Digest,
    tr: Translator,
    zone: ZoneInfo,
    reports: list[LatestReport] | None = None,
    *,
    unit_sheets: bool = True,
) -> ProgressDocument:
    """The filled table, the per-unit records and the written sections of a month
    (``reports``: the month's latest reports, when the digest has read them already;
    ``unit_sheets=False``: no per-unit records, which only the xlsx shows)."""
    plan = await Plan.get(id=digest.plan_id)
    tasks = await load_tasks(plan.id)
    period = await ReportingPeriod.get(plan_id=plan.id, kind="month", key=digest.period)
    numbers: dict[int, str] = {}
    names: dict[int, str] = {}
    for task_id, number, unit_id, name in await ReportRequest.filter(
        period_id=period.id
    ).values_list("task_id", "task__number", "unit_id", "unit__name"):
        numbers[int(str(task_id))], names[int(str(unit_id))] = str(number), str(name)
    progress: dict[str, list[str]] = defaultdict(list)
    if reports is None:
        reports = await latest_in_period(period.id)
    for last in reports:  # in plan order, as the table reads
        status = _status_text(tr, last.status, last.percent)
        said = progress_text(last.text, last.problems, last.next_steps, tr.gettext)
        progress[numbers[last.task_id]].append(f"{names[last.unit_id]}（{status}）：{said}")
    records = await _records(digest, period.id, tr, zone) if unit_sheets else []
    filled = {number: "\n".join(lines) for number, lines in progress.items()}
    for number in digest.closed:  # 销号 said first, the last reports below it
        parts = [tr.gettext("closed (已销号)"), filled.get(number, "")]
        filled[number] = "\n".join(part for part in parts if part)
    written = {t.number: t.deadline_words for t in tasks if t.deadline_words}
    for line in digest.tasks:  # a deadline moved by 延期申请: 延期至2027-03-31
        if line.extended_to:
            written[line.number] = tr.gettext("extended to {date}", date=str(line.extended_to))
    table = register_table(
        plan_meta(plan),
        tasks,
        list(plan.columns),
        dict(plan.headers),
        filled,
        deadlines=written,
    )
    heading = tr.gettext("Progress as of {period}", period=digest.period)
    sections = [
        (f"{t.number}. {t.title}", filled.get(t.number) or tr.gettext("not reported"))
        for t in tasks
    ]
    return ProgressDocument(
        table=table,
        lights={t.number: t.light.value for t in digest.tasks},
        records=records,
        heading=heading,
        sections=sections,
        missing={t.number: t.missing_units for t in digest.tasks if t.missing_units},
    )


async def chart_data(digest: Digest, tr: Translator) -> ChartData:
    """Lights per lead unit now, and the share of requests answered over recent months."""
    lead_lights: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for task in digest.tasks:
        for unit in task.lead or ["—"]:
            lead_lights[unit][task.light.value] += 1
    rates: list[tuple[str, float]] = []
    month = Month.parse(digest.period)
    assert month is not None
    for _ in range(RATE_MONTHS):
        period = await ReportingPeriod.get_or_none(
            plan_id=digest.plan_id, kind="month", key=month.key
        )
        if period is not None:
            asked = await ReportRequest.filter(period=period).count()
            answered = (
                await ReportRequest.filter(period=period, reports__id__not_isnull=True)
                .distinct()
                .count()
            )
            rates.insert(0, (month.key, answered / asked if asked else 0.0))
        month = previous_month(month)
    return ChartData(
        title=f"{digest.plan_title} {digest.period}",
        lead_lights={u: dict(v) for u, v in lead_lights.items()},
        rates=rates,
        labels={
            Light.GREEN.value: tr.gettext("green"),
            Light.YELLOW.value: tr.gettext("yellow"),
            Light.RED.value: tr.gettext("red"),
            "tasks": tr.gettext("Tasks"),
            "lights_title": tr.gettext("Lights by lead unit"),
            "rate": tr.gettext("Reports in (%)"),
            "rate_title": tr.gettext("Reporting rate by month"),
        },
    )


async def export_month(
    month: Month,
    fmt: str,
    out: Path,
    *,
    today: date,
    zone: ZoneInfo,
    locale: str,
    plan_id: int | None = None,
) -> Digest:
    """Write one export file; returns the digest it was built from."""
    if fmt not in FORMATS:
        raise RefusedError(
            msg(N_("Unknown export format “{value}”: use xlsx, docx or png."), value=fmt)
        )
    with collector.paused():
        digest, reports = await digest_and_reports(month, today=today, plan_id=plan_id)
        tr = Translator(locale)
        if fmt == "png":
            await write_atomically(write_chart_png, await chart_data(digest, tr), out)
        else:
            document = await progress_document(
                digest, tr, zone, reports, unit_sheets=fmt == "xlsx"
            )  # the docx has no unit sheets
            del reports  # in the document now: the writer may have their memory
            writer = write_progress_xlsx if fmt == "xlsx" else write_progress_docx
            await write_atomically(writer, document, out)
    return digest


async def write_atomically(writer: Callable[[T, Path], None], value: T, out: Path) -> None:
    """Write ``value`` with ``writer`` (in a thread) into a unique temporary file beside
    ``out``, then rename it over ``out``; the temporary file is removed if writing fails."""
    out.parent.mkdir(parents=True, exist_ok=True)
    # the suffix is kept: the chart's writer picks its format from it
    partial = out.with_name(f".{out.stem}.{secrets.token_hex(6)}.partial{out.suffix}")
    try:
        await asyncio.to_thread(writer, value, partial)
        await asyncio.to_thread(partial.replace, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
