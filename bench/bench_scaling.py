"""Whole exports and the digest at 1×, 2× and 4×: CPU and wall seconds, peak RSS, growth.

1× is bench_digest's data, 2 000 tasks × 300 units × 12 months of reports; 2× and 4× multiply
the tasks and the units. Each size is generated once into its own database; then each
measurement runs in a fresh interpreter: the digest of the last month (``build_digest``) and the
whole ``export_month`` as the secretariat gets it, xlsx and docx (the digest, the export's
queries, the writer). The interpreter imports the bot and the writers (openpyxl, XlsxWriter,
python-docx), reads the zh_CN catalog (once a process, as in the running bot) and opens the
database before the clock starts; CPU seconds are the process's (every thread: SQLite's and the
writer's), the peak is its VmHWM, which the opening counts too. Each figure is the best of
``--repeat`` fresh interpreters, taken in rounds across the sizes; the growth is each size's CPU
over 1×'s.

``python -m bench.bench_scaling`` (``--sizes 1,2,4``, ``--scale 0.1`` for a quick look,
``--repeat 3``, ``--postgres URL`` for a database to empty instead of SQLite files: the
server's CPU is then not counted, ``--profile DIR`` for a cProfile of each measurement).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bench.bench_digest import TZ
from bench.bench_exports import high_water_mb

TASKS, UNITS, MONTHS = 2000, 300, 12
STEPS = ("digest", "xlsx", "docx")


async def _generate(url: str, tasks: int, units: int) -> str:
    """A migrated database holding the plan; one line describing it."""
    from bench.bench_digest import generate  # noqa: PLC0415
    from bot.storage.db import open_database, upgrade_schema  # noqa: PLC0415
    from bot.storage.models import ProgressReport, ReportRequest  # noqa: PLC0415

    if url.startswith("postgres"):
        from bench.bench_chaos import reset  # noqa: PLC0415

        await reset(url)
    await upgrade_schema(url)
    async with open_database(url):
        month = await generate(tasks, units, MONTHS)
        asked = await ReportRequest.filter(period__key=month.key).count()
        versions = await ProgressReport.all().count()
    return (
        f"{tasks} tasks × {units} units × {MONTHS} months: {asked} requests in "
        f"{month.key}, {versions} report versions in all"
    )


async def _step(url: str, step: str, out: Path, profile: Path | None) -> dict[str, float]:
    """One measurement in this (fresh) interpreter."""
    import docx  # noqa: F401, PLC0415 - imported before the clock starts
    import openpyxl  # noqa: F401, PLC0415
    import xlsxwriter  # type: ignore[import-untyped]  # noqa: F401, PLC0415

    from bot.domain.reporting import Month  # noqa: PLC0415
    from bot.i18n import Translator  # noqa: PLC0415
    from bot.oversight.digest import build_digest  # noqa: PLC0415
    from bot.oversight.exports import export_month  # noqa: PLC0415
    from bot.storage.db import open_database  # noqa: PLC0415

    month = Month(2026, MONTHS)
    Translator("zh_CN")  # the catalog is read once a process, as in the running bot
    async with open_database(url):
        start_rss = high_water_mb()
        profiler = None
        if profile is not None:
            import cProfile  # noqa: PLC0415

            from bot.oversight import exports  # noqa: PLC0415

            async def inline(writer: Any, *args: Any) -> Any:
                return writer(*args)  # cProfile sees only its own thread: write in this one

            setattr(exports, "asyncio", SimpleNamespace(to_thread=inline))  # noqa: B010
            profiler = cProfile.Profile()
            profiler.enable()
        cpu, wall = time.process_time(), time.perf_counter()
        if step == "digest":
            await build_digest(month, today=month.ends)
        else:
            await export_month(month, step, out, today=month.ends, zone=TZ, locale="zh_CN")
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if profiler is not None and profile is not None:
            profiler.disable()
            profiler.dump_stats(str(profile))
    return {"cpu": cpu, "wall": wall, "rss": high_water_mb(), "start": start_rss}


def _measure(url: str, step: str, out: Path, profile: Path | None) -> dict[str, float]:
    """:func:`_step` in a fresh interpreter."""
    command = [sys.executable, "-m", "bench.bench_scaling", "--step", step, url, str(out)]
    if profile is not None:
        command += ["--profile", str(profile)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        raise RuntimeError(f"{step} failed:\n{done.stderr}")
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _best(runs: list[dict[str, float]]) -> dict[str, float]:
    """The run of least CPU (its wall beside it), with the highest peak of them all."""
    best = min(runs, key=lambda r: r["cpu"])
    return best | {"rss": max(r["rss"] for r in runs)}


def _row(
    size: float, step: str, got: dict[str, float], first: float, base: float
) -> tuple[str, str]:
    growth = got["cpu"] / first if first else float("inf")
    what = "digest" if step == "digest" else f"whole {step} export"
    return (
        f"{size:g}× {what}",
        f"{got['cpu']:.2f} s CPU, {got['wall']:.2f} s wall; peak RSS "
        f"{got['rss']:.0f} MB (at start {got['start']:.0f} MB)"
        + (f"; file {got['size']:.1f} MB" if step != "digest" else "")
        + f"; growth ×{growth:.2f} of {base:g}×",
    )


def run(
    sizes: list[float], scale: float, repeat: int, postgres: str | None, profile: Path | None
) -> list[tuple[str, str]]:
    """The rows for RESULTS.md: each step at each size, and its growth against the first.

    On SQLite every size is generated first, then measured in rounds (each round every size
    and step once), so a busy spell on a shared machine weighs on all sizes alike; PostgreSQL
    holds one size at a time."""
    rows: list[tuple[str, str]] = []
    first: dict[str, float] = {}
    batches = [sizes] if postgres is None else [[size] for size in sizes]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for batch in batches:
            urls, described = {}, {}
            for size in batch:
                tasks, units = int(TASKS * scale * size), max(int(UNITS * scale * size), 10)
                urls[size] = postgres or f"sqlite://{folder / f'scaling-{size:g}.sqlite3'}"
                started = time.perf_counter()
                line = asyncio.run(_generate(urls[size], tasks, units))
                described[size] = f"{line} (generated in {time.perf_counter() - started:.0f} s)"
            runs: dict[tuple[float, str], list[dict[str, float]]] = defaultdict(list)
            for round_ in range(repeat):
                for size in batch:
                    for step in STEPS:
                        traced = (
                            profile / f"{step}-{size:g}x.prof" if profile and not round_ else None
                        )
                        out = folder / f"export-{size:g}.{step}"
                        runs[size, step].append(_measure(urls[size], step, out, traced))
                        got = runs[size, step][-1]
                        print(f"{size:g}× {step}: {got}", file=sys.stderr, flush=True)
            for size in batch:
                rows.append((f"{size:g}×", described[size]))
                for step in STEPS:
                    got = _best(runs[size, step])
                    first.setdefault(step, got["cpu"])
                    rows.append(_row(size, step, got, first[step], sizes[0]))
    return rows


def default_run() -> list[tuple[str, str]]:
    """``make bench``'s rows: 1×, 2× and 4× on SQLite, one run each (DUBAN_BENCH_SCALE=0.1 for
    a quick look)."""
    return run([1, 2, 4], float(os.environ.get("DUBAN_BENCH_SCALE", "1")), 1, None, None)


def main() -> None:
    """Parse the arguments; either one measurement (internal) or the whole run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--step", choices=STEPS, help="internal: one measurement")
    parser.add_argument("target", nargs="*", help="internal: database URL and output path")
    parser.add_argument("--sizes", default="1,2,4")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--postgres", help="a PostgreSQL database to empty and fill")
    parser.add_argument("--profile", type=Path, help="a folder (or, with --step, a file)")
    args = parser.parse_args()
    if args.step:
        url, out = args.target
        figures = asyncio.run(_step(url, args.step, Path(out), args.profile))
        figures["size"] = Path(out).stat().st_size / 2**20 if args.step != "digest" else 0.0
        print(json.dumps(figures))
        return
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    sizes = [float(s) for s in args.sizes.split(",")]
    rows = run(sizes, args.scale, args.repeat, args.postgres, args.profile)
    print("\n".join(["| benchmark | figure |", "|---|---|", *[f"| {a} | {b} |" for a, b in rows]]))


if __name__ == "__main__":
    main()
