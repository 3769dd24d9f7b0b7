"""Whole exports and the digest at 1×, 2× and 4×: CPU and wall seconds, peak RSS, growth.

1× is bench_digest's data, 2 000 tasks × 300 units × 12 months of reports; 2× and 4× multiply
the tasks and the units. Each size is generated once into its own database; then each
measurement runs in a fresh interpreter: the digest of the last month (``build_digest``) and the
whole ``export_month`` as the secretariat gets it, xlsx and docx (the digest, the export's
queries, the writer). The interpreter imports the bot and the writers (openpyxl, python-docx)
and opens the database before the clock starts; CPU seconds are the process's (every thread:
SQLite's and the writer's), the peak is its VmHWM, which the opening counts too. Each figure
is the best of ``--repeat`` fresh interpreters; the growth is each size's CPU over 1×'s.

``python -m bench.bench_scaling`` (``--sizes 1,2,4``, ``--scale 0.1`` for a quick look,
``--repeat 3``, ``--postgres URL`` for a database to empty instead of SQLite files: the
server's CPU is then not counted, ``--profile DIR`` for a cProfile of each measurement).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
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

    from bot.domain.reporting import Month  # noqa: PLC0415
    from bot.oversight.digest import build_digest  # noqa: PLC0415
    from bot.oversight.exports import export_month  # noqa: PLC0415
    from bot.storage.db import open_database  # noqa: PLC0415

    month = Month(2026, MONTHS)
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


def _best(url: str, step: str, out: Path, repeat: int, profile: Path | None) -> dict[str, float]:
    """The best CPU of ``repeat`` fresh interpreters (its wall beside it), the highest peak."""
    runs = [_measure(url, step, out, profile if i == 0 else None) for i in range(repeat)]
    best = min(runs, key=lambda r: r["cpu"])
    return best | {"rss": max(r["rss"] for r in runs), "runs": len(runs)}


def run(
    sizes: list[float], scale: float, repeat: int, postgres: str | None, profile: Path | None
) -> list[tuple[str, str]]:
    """The rows for RESULTS.md: each step at each size, and its growth against the first."""
    rows: list[tuple[str, str]] = []
    first: dict[str, float] = {}
    for size in sizes:
        tasks, units = int(TASKS * scale * size), max(int(UNITS * scale * size), 10)
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            url = postgres or f"sqlite://{folder / 'scaling.sqlite3'}"
            started = time.perf_counter()
            described = asyncio.run(_generate(url, tasks, units))
            took = time.perf_counter() - started
            rows.append((f"{size:g}×", f"{described} (generated in {took:.0f} s)"))
            for step in STEPS:
                traced = profile / f"{step}-{size:g}x.prof" if profile else None
                got = _best(url, step, folder / f"export.{step}", repeat, traced)
                first.setdefault(step, got["cpu"])
                growth = got["cpu"] / first[step] if first[step] else float("inf")
                what = "digest" if step == "digest" else f"whole {step} export"
                rows.append(
                    (
                        f"{size:g}× {what}",
                        f"{got['cpu']:.2f} s CPU, {got['wall']:.2f} s wall; peak RSS "
                        f"{got['rss']:.0f} MB (at start {got['start']:.0f} MB)"
                        + (f"; file {got['size']:.1f} MB" if step != "digest" else "")
                        + f"; growth ×{growth:.2f} of {sizes[0]:g}×",
                    )
                )
                print(f"{rows[-1][0]}: {rows[-1][1]}", file=sys.stderr, flush=True)
    return rows


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
