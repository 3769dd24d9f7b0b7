"""``duban --help`` start-up time: this tree beside the last tree before the CLI went light.

Issue 11 measured 4–8 s per command, because ``bot/cli.py`` imported aiogram, wechatpy and the
document libraries before parsing its arguments. The "before" tree is checked out from git
(``BEFORE``) into a temporary worktree and run with the same interpreter and packages, in the
same run, so the two figures are comparable on a shared, noisy machine.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "bebdf324e803e9e6373d469b13958690d2145650"  # main before issue 11
RUNS = int(os.environ.get("DUBAN_BENCH_STARTUP_RUNS", "7"))
PROBE = (
    "import sys; sys.path.insert(0, {root!r}); sys.argv = ['duban', '--help'];"
    "from bot.cli import main\n"
    "try:\n    main()\nexcept SystemExit:\n    pass\n"
)


def _time(tree: Path) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds (user + system) of ``duban --help``."""
    walls, cpus = [], []
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUBAN_")}
    with tempfile.TemporaryDirectory() as scratch:  # no .env from the caller's folder
        for _ in range(RUNS):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(  # noqa: S603 - our own interpreter and code
                [sys.executable, "-c", PROBE.format(root=str(tree))],
                cwd=scratch, env=env, check=True, capture_output=True,
            )  # fmt: skip
            walls.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def run() -> list[tuple[str, str]]:
    """Rows for RESULTS.md: before, after, ratio."""
    rows = []
    after_wall, after_cpu = _time(ROOT)
    with tempfile.TemporaryDirectory() as folder:
        worktree = Path(folder) / "before"
        made = subprocess.run(  # noqa: S603
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(worktree), BEFORE],  # noqa: S607
            capture_output=True, check=False,
        )  # fmt: skip
        if made.returncode == 0:
            try:
                before_wall, before_cpu = _time(worktree)
            finally:
                subprocess.run(  # noqa: S603
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(worktree)],  # noqa: S607
                    capture_output=True, check=False,
                )  # fmt: skip
            rows.append(
                (
                    f"`duban --help` before (tree {BEFORE[:7]}), median of {RUNS}",
                    f"{before_wall:.2f} s wall, {before_cpu:.2f} s CPU",
                )
            )
            ratio = f"; {before_cpu / after_cpu:.1f}× less CPU than before"
        else:
            ratio = "; the earlier tree is not in this clone's history"
    rows.append(
        (
            f"`duban --help` now, median of {RUNS}",
            f"{after_wall:.2f} s wall, {after_cpu:.2f} s CPU{ratio}",
        )
    )
    return rows


if __name__ == "__main__":
    for label, figure in run():
        print(f"| {label} | {figure} |")
