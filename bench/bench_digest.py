"""Digest and exports at scale: a plan of 2 000 tasks × 300 units × 12 monthly periods of reports.

Reports the time to build the last month's digest, to write the xlsx and the docx, and the peak
memory of each (tracemalloc). The data is generated straight into SQLite with bulk inserts.
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

from bot.domain.reporting import Month, Status
from bot.oversight.digest import build_digest
from bot.oversight.exports import export_month
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
                ReportRequest(period=period, task_id=t, unit_id=u, state="answered")
                for t, u, _ in pairs
            ],
            batch_size=2000,
        )
        requests = await ReportRequest.filter(period=period).values_list("id", "task_id", "unit_id")
        submitted = datetime(2026, m, 27, 10, tzinfo=UTC)
        await ProgressReport.bulk_create(
            [
                ProgressReport(
                    request_id=r,
                    task_id=t,
                    unit_id=u,
                    version=1,
                    status=rng.choice(STATUSES).value,
                    percent=rng.randint(0, 100),
                    text=f"第{m}月进展：完成若干工作，推进顺利。" * 2,
                    late=rng.random() < 0.1,
                    submitted_at=submitted,
                )
                for r, t, u in requests
                if rng.random() < 0.9
            ],
            batch_size=2000,
        )
    return month


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
    """Generate, then time the digest and both exports."""
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
            for fmt in ("xlsx", "docx"):
                out = Path(folder) / f"export.{fmt}"
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
    return rows


def run() -> list[tuple[str, str]]:
    """The benchmark's rows for RESULTS.md (DUBAN_BENCH_SCALE=0.1 for a quick look)."""
    scale = float(os.environ.get("DUBAN_BENCH_SCALE", "1"))
    return asyncio.run(bench(int(2000 * scale), max(int(300 * scale), 10), 12))


if __name__ == "__main__":
    for label, figure in run():
        print(f"{label}: {figure}")
