"""Export writers at scale, the old beside the new: CPU seconds and peak RSS, at 1× and 4×.

The data is bench_digest's (2 000 tasks × 300 units × 12 months at 1×; tasks and units times
four at 4×). The month's document (the filled table, the unit records, the written sections) is
built once from the database and saved as JSON; then each writer runs in its own fresh
interpreter on it, so its CPU seconds (openpyxl and python-docx imported beforehand, not
counted) and its peak resident memory are its own. "old" is ``bench/exports_before.py``, the
writers before issue 16; "new" is ``bot/render/progress.py``. The whole ``export_month`` (digest,
queries and writer) is timed too, in this process, for the new writers at 1×.

``python -m bench.bench_exports`` (``DUBAN_BENCH_SCALE=0.1`` for a quick look,
``DUBAN_BENCH_SIZES=1,2,4`` for the sizes).
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.bench_digest import TZ, generate
from bot.domain.plan import Column
from bot.i18n import Translator
from bot.oversight.digest import build_digest
from bot.oversight.exports import export_month, progress_document
from bot.render.progress import ProgressDocument, UnitRecord
from bot.render.register import RegisterTable
from bot.storage.db import open_database, upgrade_schema

TASKS, UNITS, MONTHS = 2000, 300, 12


def dump(document: ProgressDocument, path: Path) -> None:
    """The document as JSON (the writers' input, nothing else)."""
    shape = asdict(document)
    shape["table"]["columns"] = [c.value for c in document.table.columns]
    shape["table"]["headings"] = {str(k): v for k, v in document.table.headings.items()}
    path.write_text(json.dumps(shape, ensure_ascii=False), encoding="utf-8")


def load(path: Path) -> ProgressDocument:
    """The document :func:`dump` wrote."""
    shape: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    table = shape.pop("table")
    table["columns"] = [Column(c) for c in table["columns"]]
    table["headings"] = {int(k): v for k, v in table["headings"].items()}
    shape["records"] = [UnitRecord(**r) for r in shape["records"]]
    shape["sections"] = [tuple(s) for s in shape["sections"]]
    return ProgressDocument(table=RegisterTable(**table), **shape)


def high_water_mb() -> float:
    """This process's peak resident memory (VmHWM: not inherited from the benchmark, unlike
    getrusage's ru_maxrss, which execve keeps)."""
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # no /proc: KiB on Linux


def write_one(side: str, fmt: str, source: Path, out: Path) -> dict[str, float]:
    """Run one writer on the saved document: its CPU seconds, peak RSS and file size."""
    import docx  # noqa: F401, PLC0415 - imported before the clock starts
    import openpyxl  # noqa: F401, PLC0415

    from bench import exports_before  # noqa: PLC0415
    from bot.render import progress  # noqa: PLC0415

    module: Any = exports_before if side == "old" else progress
    writer = module.write_progress_xlsx if fmt == "xlsx" else module.write_progress_docx
    document = load(source)
    started = time.process_time()
    writer(document, out)
    took = time.process_time() - started
    peak = high_water_mb()
    return {"cpu": took, "rss": peak, "size": out.stat().st_size / 2**20}


def measure(side: str, fmt: str, source: Path) -> dict[str, float]:
    """:func:`write_one` in a fresh interpreter."""
    out = source.with_name(f"{side}.{fmt}")
    command = [sys.executable, "-m", "bench.bench_exports", side, fmt, str(source), str(out)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


async def build(folder: Path, tasks: int, units: int, whole: bool) -> tuple[str, list[str]]:
    """Generate the data, save the month's document; with ``whole``, time export_month."""
    url = f"sqlite://{folder / 'exports.sqlite3'}"
    await upgrade_schema(url)
    timed: list[str] = []
    async with open_database(url):
        month = await generate(tasks, units, MONTHS)
        digest = await build_digest(month, today=month.ends)
        document = await progress_document(digest, Translator("zh_CN"), TZ)
        dump(document, folder / "document.json")
        rows = sum(len(r.rows) for r in document.records)
        scale = (
            f"{tasks} tasks × {units} units × {MONTHS} months: {len(document.table.rows)} table "
            f"rows, {len(document.records)} unit sheets, {rows} record rows"
        )
        for fmt in ("xlsx", "docx") if whole else ():
            started = time.process_time()
            await export_month(
                month, fmt, folder / f"whole.{fmt}", today=month.ends, zone=TZ, locale="zh_CN"
            )
            timed.append(
                f"whole {fmt} export_month, new writer (digest, queries, writer): "
                f"{time.process_time() - started:.2f} s CPU"
            )
    return scale, timed


def run() -> list[tuple[str, str]]:
    """The rows for RESULTS.md: each writer old → new at each size, in one run."""
    base = float(os.environ.get("DUBAN_BENCH_SCALE", "1"))
    sizes = [float(s) for s in os.environ.get("DUBAN_BENCH_SIZES", "1,4").split(",")]
    rows: list[tuple[str, str]] = []
    for size in sizes:
        tasks, units = int(TASKS * base * size), max(int(UNITS * base * size), 10)
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            scale, timed = asyncio.run(build(folder, tasks, units, whole=size == sizes[0]))
            rows.append((f"{size:g}×: {scale}", ""))
            for fmt in ("xlsx", "docx"):
                old = measure("old", fmt, folder / "document.json")
                new = measure("new", fmt, folder / "document.json")
                ratio = old["cpu"] / new["cpu"] if new["cpu"] else float("inf")
                rows.append(
                    (
                        f"{size:g}× {fmt} writer, old → new",
                        f"{old['cpu']:.2f} s → {new['cpu']:.2f} s CPU (old ÷ new = {ratio:.1f}); "
                        f"peak RSS {old['rss']:.0f} → {new['rss']:.0f} MB; "
                        f"file {old['size']:.1f} → {new['size']:.1f} MB",
                    )
                )
            rows += [(line.split(":")[0], line.split(": ", 1)[1]) for line in timed]
    return rows


if __name__ == "__main__":
    if len(sys.argv) == 5:
        print(json.dumps(write_one(sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))))
    else:
        for label, figure in run():
            print(f"{label}: {figure}" if figure else label)
