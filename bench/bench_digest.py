"""Digest and exports at scale: a plan of 2 000 tasks × 300 units × 12 monthly periods of reports.

Reports the time to build the last month's digest, to write the xlsx and the docx, and the peak
memory of each (tracemalloc); the digest's CPU seconds beside the old digest's
(``bench/digest_before.py``), and the CPU seconds of each whole export (digest, queries,
writer). The data is generated straight into SQLite with bulk inserts; a third of the requests
are revised once, some twice.

Then, on the same data, each "latest report" question answered the way the callers used to
(a model, or a tuple, per stored version, reduced in Python) beside the query module
(``bot/reporting/latest.py``: only the newest row of each request or pair is fetched), in CPU
seconds (the best of a few runs; SQLite works in this process, so its time counts) and as a
ratio. The old ways are kept here, and only here, to be measured against.
"""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench import digest_before
from bot.domain.reporting import Month, Status
from bot.oversight.digest import build_digest
from bot.oversight.exports import export_month
from bot.reporting.latest import last_statuses, latest_in_period, latest_in_periods
from bot.reporting.reports import request_view
from bot.reporting.requests import OPEN_STATES, RequestView, open_requests
from bot.storage.db import open_database, upgrade_schema
from bot.storage.models import (
    Assignment,
    Plan,
    ProgressReport,
    ReportingPeriod,
    ReportRequest,
    Task,
    Unit,
)

TZ = ZoneInfo("Asia/Shanghai")
STATUSES = list(Status)
REVISED = 0.3  # share of reports revised once (a tenth of those twice)
RUNS = 3  # each side of a comparison: the best of this many runs
PATIENCE = 20.0  # CPU seconds after which a slow side is not run again


async def generate(tasks: int, units: int, months: int) -> Month:
    """The plan, its units and assignments, and ``months`` periods of requests and reports."""
    rng = random.Random(7)  # noqa: S311 - repeatable test data, not secrets
    plan = await Plan.create(title="基准分工方案", source_name="bench", columns=[], headers={})
    await Unit.bulk_create([Unit(name=f"县第{u}单位", kind="department") for u in range(units)])
    unit_ids = [u.id for u in await Unit.all().order_by("id")]
    await Task.bulk_create(
        [
            Task(
                plan=plan,
                number=str(n),
                position=n,
                title=f"第{n}项重点任务。",
                requirements=[f"要求{n}。"],
                deadline=date(2027, 6, 30),
            )
            for n in range(1, tasks + 1)
        ]
    )
    task_ids = [t.id for t in await Task.filter(plan=plan).order_by("position")]
    pairs = []
    for index, task_id in enumerate(task_ids):
        lead = unit_ids[index % units]
        others = rng.sample(unit_ids, 2)
        pairs += [(task_id, lead, "lead")] + [
            (task_id, u, "responsible") for u in others if u != lead
        ]
    await Assignment.bulk_create(
        [Assignment(task_id=t, unit_id=u, role=r) for t, u, r in pairs], batch_size=2000
    )
    month = Month(2026, 1)
    for m in range(1, months + 1):
        month = Month(2026, m)
        period = await ReportingPeriod.create(
            plan=plan,
            kind="month",
            key=month.key,
            starts=month.starts,
            ends=month.ends,
            due_on=month.ends,
        )
        await ReportRequest.bulk_create(
            [
                ReportRequest(
                    period=period, task_id=t, unit_id=u, state="closed" if m < months else "open"
                )
                for t, u, _ in pairs
            ],
            batch_size=2000,
        )
        requests = await ReportRequest.filter(period=period).values_list("id", "task_id", "unit_id")
        reports = []
        for r, t, u in requests:
            if rng.random() >= 0.9:
                continue  # not reported
            versions = 1 if rng.random() >= REVISED else 2 if rng.random() >= 0.1 else 3
            for version in range(1, versions + 1):
                reports.append(
                    ProgressReport(
                        request_id=r,
                        task_id=t,
                        unit_id=u,
                        version=version,
                        status=rng.choice(STATUSES).value,
                        percent=rng.randint(0, 100),
                        text=f"第{m}月进展（第{version}版）：完成若干工作，推进顺利。" * 2,
                        late=rng.random() < 0.1,
                        submitted_at=datetime(2026, m, 20 + version, 10, tzinfo=UTC),
                    )
                )
        await ProgressReport.bulk_create(reports, batch_size=2000)
    return month


async def old_period_latest(period_id: int) -> set[int]:
    """The digest's and the export's old way: every version of the month as a model."""
    latest: dict[tuple[int, int], ProgressReport] = {}
    for report in await ProgressReport.filter(request__period_id=period_id).order_by("version"):
        latest[(report.task_id, report.unit_id)] = report
    return {r.id for r in latest.values()}


async def new_period_latest(period_id: int) -> set[int]:
    """The query module: the month's newest version of each request."""
    return {r.id for r in await latest_in_period(period_id)}


async def old_plan_statuses(plan_id: int) -> dict[tuple[int, int], str]:
    """Dispatch's and the deadlines' old way: (task, unit, status) of every version, in order."""
    latest: dict[tuple[int, int], str] = {}
    for task_id, unit_id, status in (
        await ProgressReport.filter(task__plan_id=plan_id)
        .order_by("submitted_at", "id")
        .values_list("task_id", "unit_id", "status")
    ):
        latest[(task_id, unit_id)] = status
    return latest


async def new_plan_statuses(plan_id: int) -> dict[tuple[int, int], str]:
    """The query module: each (task, unit)'s last submission over every month."""
    return {pair: last.status for pair, last in (await last_statuses(plan_id=plan_id)).items()}


async def old_quarter(plan_id: int, keys: list[str]) -> set[int]:
    """The quarterly drafts' old way: every version of three months, with unit and period."""
    reports = await (
        ProgressReport.filter(
            task__plan_id=plan_id, request__period__kind="month", request__period__key__in=keys
        )
        .select_related("unit", "request__period")
        .order_by("version")
    )
    latest: dict[tuple[int, int, int], ProgressReport] = {}
    for report in reports:
        latest[(report.task_id, report.unit_id, report.request_id)] = report
    return {r.id for r in latest.values() if r.unit.name and r.request.period.key}


async def new_quarter(plan_id: int, keys: list[str]) -> set[int]:
    """The quarterly drafts now: the months, their newest versions, the units' names."""
    months = dict(
        await ReportingPeriod.filter(plan_id=plan_id, kind="month", key__in=keys).values_list(
            "id", "key"
        )
    )
    latest = await latest_in_periods(list(months))
    names = dict(
        await Unit.filter(id__in=sorted({r.unit_id for r in latest})).values_list("id", "name")
    )
    return {r.id for r in latest if names[r.unit_id] and months[r.period_id]}


async def old_open_requests(unit_ids: list[int]) -> list[RequestView]:
    """The reporter's list the old way: each open request as a model with its relations."""
    views = []
    for unit_id in unit_ids:
        rows = (
            await ReportRequest.filter(unit_id=unit_id, state__in=OPEN_STATES)
            .select_related("period", "task", "unit")
            .order_by("period__starts", "task__position")
        )
        views += [request_view(r) for r in rows]
    return views


async def new_open_requests(unit_ids: list[int]) -> list[RequestView]:
    """The query module: the same columns read as values."""
    return [view for unit_id in unit_ids for view in await open_requests(unit_id)]


async def cpu(step: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    """CPU seconds of the best of ``RUNS`` runs (fewer past ``PATIENCE``), and the step's result."""
    best, result, spent = float("inf"), None, 0.0
    for _ in range(RUNS):
        started = time.process_time()
        result = await step()
        took = time.process_time() - started
        best, spent = min(best, took), spent + took
        if spent > PATIENCE:
            break
    return best, result


async def side_by_side(
    label: str, old: Callable[[], Awaitable[Any]], new: Callable[[], Awaitable[Any]]
) -> tuple[str, str]:
    """One row: the old way's CPU seconds, the new, and the ratio (the results must agree)."""
    before, old_result = await cpu(old)
    after, new_result = await cpu(new)
    if old_result != new_result:  # reported, not raised: the other rows still get measured
        return label, f"{before:.3f} s → {after:.3f} s CPU, but the two ways disagree"
    ratio = before / after if after else float("inf")
    return label, f"{before:.3f} s → {after:.3f} s CPU (old ÷ new = {ratio:.1f})"


async def compare_latest(month: Month) -> list[tuple[str, str]]:
    """Each latest-report question, the old way beside the query module, on the same data."""
    plan = await Plan.get(source_name="bench")
    period = await ReportingPeriod.get(plan=plan, kind="month", key=month.key)
    versions = await ProgressReport.filter(request__period_id=period.id).count()
    requests = await ProgressReport.filter(request__period_id=period.id, version=1).count()
    keys = [Month(month.year, m).key for m in range(month.month - 2, month.month + 1)]
    units = list(await Unit.all().order_by("id").limit(100).values_list("id", flat=True))
    return [
        await side_by_side(
            f"latest report per (task, unit) of {month.key}: {versions} versions as models "
            f"→ {requests} rows ranked in SQL",
            lambda: old_period_latest(period.id),
            lambda: new_period_latest(period.id),
        ),
        await side_by_side(
            "last status per (task, unit) over the plan (dispatch, deadlines): "
            "every version's tuple → ranked in SQL",
            lambda: old_plan_statuses(plan.id),
            lambda: new_plan_statuses(plan.id),
        ),
        await side_by_side(
            f"quarterly drafts' reports ({keys[0]}…{keys[-1]}): every version with unit and "
            "period as models → newest rows and names",
            lambda: old_quarter(plan.id, keys),
            lambda: new_quarter(plan.id, keys),
        ),
        await side_by_side(
            f"open requests of {len(units)} units: models with relations → values",
            lambda: old_open_requests(units),
            lambda: new_open_requests(units),
        ),
    ]


async def measured(step: Callable[[], Awaitable[Any]]) -> tuple[float, float]:
    """Seconds (a plain run) and peak MB (a second run under tracemalloc, which is slow)."""
    started = time.perf_counter()
    await step()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    await step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 2**20


async def bench(tasks: int, units: int, months: int) -> list[tuple[str, str]]:
    """Generate, then time the digest and both exports, then the latest-report queries."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite://{Path(folder) / 'digest.sqlite3'}"
        await upgrade_schema(url)
        async with open_database(url):
            started = time.perf_counter()
            month = await generate(tasks, units, months)
            generated = time.perf_counter() - started
            reports = await ProgressReport.all().count()
            today = month.ends
            scale = f"{tasks} tasks × {units} units × {months} months, {reports} reports"
            rows = [(f"generate {scale}", f"{generated:.1f} s")]
            seconds, peak = await measured(lambda: build_digest(month, today=today))
            rows.append(
                (f"digest of the last month ({scale})", f"{seconds:.2f} s, peak {peak:.0f} MB")
            )
            before, _ = await cpu(lambda: digest_before.build_digest(month, today=today))
            after, _ = await cpu(lambda: build_digest(month, today=today))
            rows.append(
                (
                    "digest CPU, old (bench/digest_before.py) → new",
                    f"{before:.3f} s → {after:.3f} s CPU (old ÷ new = {before / after:.1f})",
                )
            )
            for fmt in ("xlsx", "docx"):
                out = Path(folder) / f"export.{fmt}"
                took, _ = await cpu(
                    lambda fmt=fmt, out=out: export_month(
                        month, fmt, out, today=today, zone=TZ, locale="zh_CN"
                    )
                )
                rows.append(
                    (f"whole {fmt} export CPU (digest, queries, writer)", f"{took:.2f} s CPU")
                )
                seconds, peak = await measured(
                    lambda fmt=fmt, out=out: export_month(
                        month, fmt, out, today=today, zone=TZ, locale="zh_CN"
                    )
                )
                size = out.stat().st_size / 2**20
                rows.append(
                    (
                        f"{fmt} export of the last month",
                        f"{seconds:.2f} s, peak {peak:.0f} MB, file {size:.1f} MB",
                    )
                )
            rows += await compare_latest(month)
    return rows


def run() -> list[tuple[str, str]]:
    """The benchmark's rows for RESULTS.md (DUBAN_BENCH_SCALE=0.1 for a quick look)."""
    scale = float(os.environ.get("DUBAN_BENCH_SCALE", "1"))
    return asyncio.run(bench(int(2000 * scale), max(int(300 * scale), 10), 12))


if __name__ == "__main__":
    for label, figure in run():
        print(f"{label}: {figure}")
