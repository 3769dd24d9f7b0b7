"""Import benchmark: parse time and peak memory for the sample plan and a 2 000-row xlsx."""

from __future__ import annotations

import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from bot.domain.plan import Assignment, PlanMeta, PlanTask, Role
from bot.importers import read_plan
from bot.render.register import register_table, write_xlsx

SAMPLE = Path(__file__).resolve().parent.parent / "bot" / "data" / "sample_plan.md"


def big_xlsx(path: Path, rows: int) -> None:
    """A plan of ``rows`` tasks in the usual columns, written with openpyxl."""
    tasks = [
        PlanTask(
            number=str(n),
            title=f"第{n}项重点任务。",
            requirements=[f"要求{n}之{i}，确保按期完成。" * 3 for i in range(1, 4)],
            assignments=[
                Assignment(f"县第{n % 40}局", Role.LEAD),
                Assignment(f"县第{(n + 1) % 40}局", Role.RESPONSIBLE),
                Assignment("各乡镇党委、政府", Role.RESPONSIBLE),
            ],
            liaison=f"县第{n % 40}局办公室",
        )
        for n in range(1, rows + 1)
    ]
    columns = ["number", "title", "requirements", "progress", "lead", "responsible", "liaison"]
    write_xlsx(register_table(PlanMeta(title="基准分工方案"), tasks, columns, {}), path)


def measure(path: Path, repeat: int) -> tuple[float, float, int]:
    """Median and best seconds over ``repeat`` parses, and peak traced memory in bytes."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        tasks = len(read_plan(path, max_bytes=200 * 1024 * 1024).tasks)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    read_plan(path, max_bytes=200 * 1024 * 1024)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert tasks > 0
    return statistics.median(times), min(times), peak


def run() -> list[tuple[str, str]]:
    """Run the import benchmark; returns (label, figure) rows."""
    results: list[tuple[str, str]] = []
    median, best, peak = measure(SAMPLE, repeat=20)
    results.append(
        (
            "import sample plan (20 tasks, .md)",
            f"median {median * 1000:.1f} ms, best {best * 1000:.1f} ms, peak {peak / 1e6:.1f} MB",
        )
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.xlsx"
        big_xlsx(path, 2000)
        median, best, peak = measure(path, repeat=3)
        results.append(
            (
                f"import 2 000-row .xlsx ({path.stat().st_size / 1e6:.1f} MB)",
                f"median {median:.2f} s, best {best:.2f} s, peak {peak / 1e6:.0f} MB",
            )
        )
    return results


if __name__ == "__main__":
    for label, figure in run():
        print(f"{label}: {figure}")
