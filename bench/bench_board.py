"""The status board's plan page at scale: 2 000 tasks × 300 units, rendered on the server.

The data is ``bench_digest``'s generator (bulk inserts into SQLite; three months of reports
here, the board reads the latest month and the rate of the last six). Measured: the page's
data (``bot/board/queries.py plan_board``: the digest, the register's ids and units, the
rates) and its HTML (Jinja2), for the secretariat's whole plan and for one unit's reporter;
built afresh ("first view"), and as a view is served while the records stay as they were
(``bot/board/cache.py``: the records' stamp, the data kept, the HTML rendered in a thread;
"next views"); wall and CPU seconds (of this process, threads included), the best of a few
runs; the page's size.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.bench_digest import generate
from bot.board.access import Viewer
from bot.board.cache import PlanPages
from bot.board.queries import plan_board
from bot.board.web import Board
from bot.storage.db import open_database, upgrade_schema
from bot.storage.models import Plan, Unit

TZ = ZoneInfo("Asia/Shanghai")
RUNS = 3


TODAY = datetime(2026, 3, 25, tzinfo=UTC).date()


async def _page(
    board: Board, viewer: Viewer, plan_id: int, pages: PlanPages | None
) -> tuple[float, float, int]:
    """Wall and CPU seconds for one page (data and HTML), and its size in bytes; built
    afresh without ``pages``, else as the board serves it."""
    wall, cpu = time.perf_counter(), time.process_time()
    if pages is None:
        data = await plan_board(plan_id, viewer, today=TODAY)
    else:
        data = await pages.board(plan_id, viewer, today=TODAY)
    response = await board.render_off_loop(
        "plan.html", viewer.locale, viewer=viewer, board=data, refusal=""
    )
    size = len(response.body) if isinstance(response.body, bytes) else 0
    return time.perf_counter() - wall, time.process_time() - cpu, size


async def bench(tasks: int, units: int) -> list[tuple[str, str]]:
    """Generate the plan, then time its page for the two kinds of viewer."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite://{folder}/bench.sqlite3"
        await upgrade_schema(url)
        async with open_database(url):
            await generate(tasks, units, 3)
            plan = await Plan.first()
            assert plan is not None
            unit = await Unit.first()
            assert unit is not None
            board = Board(
                public_url=lambda: "http://bench",
                data_dir=Path(folder),
                zone=TZ,
                clock=lambda: datetime.now(UTC),
                default_locale="zh_CN",
            )
            rows = []
            pages = PlanPages()
            for label, viewer in (
                ("secretariat", Viewer(1, "秘书组", "secretariat", "zh_CN", None)),
                ("reporter", Viewer(2, "联络员", "reporter", "zh_CN", frozenset({unit.id}))),
            ):
                for view, kept in (("first view", None), ("next views", pages)):
                    if kept is not None:
                        await _page(board, viewer, plan.id, kept)  # the one that builds
                    runs = [await _page(board, viewer, plan.id, kept) for _ in range(RUNS)]
                    wall, cpu, size = min(runs)
                    rows.append(
                        (
                            f"board page, {tasks} tasks × {units} units, {label}, {view}",
                            f"{wall:.3f} s wall, {cpu:.3f} s CPU (best of {RUNS}), "
                            f"{size / 1024:.0f} KiB",
                        )
                    )
            return rows


def run() -> list[tuple[str, str]]:
    """The benchmark's rows (DUBAN_BENCH_SCALE=0.1 for a quick look)."""
    scale = float(os.environ.get("DUBAN_BENCH_SCALE", "1"))
    return asyncio.run(bench(int(2000 * scale), max(int(300 * scale), 10)))


if __name__ == "__main__":
    for label, figure in run():
        print(f"{label}: {figure}")
