"""``make bench``: run every benchmark and write bench/RESULTS.md with the machine's description."""

from __future__ import annotations

import contextlib
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import (
    bench_chaos,
    bench_digest,
    bench_fanout,
    bench_import,
    bench_intake,
    bench_scaling,
    bench_startup,
)

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    """One line naming the machine the figures come from."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):  # no /proc on this system: keep platform's answer
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"{platform.system()} {platform.release()}"
    )


def main() -> None:
    """Run the benchmarks, print and record their figures."""
    rows = (
        bench_startup.run()
        + bench_import.run()
        + bench_fanout.run()
        + bench_intake.run()
        + bench_digest.run()
        + bench_scaling.default_run()
        + bench_chaos.run()  # PostgreSQL only: DUBAN_BENCH_POSTGRES_URL names a database to empty
    )
    lines = [
        "# Benchmark results",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}.",
        "",
        "| benchmark | figure |",
        "|---|---|",
        *[f"| {label} | {figure} |" for label, figure in rows],
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
