"""The board's pages built once per state of the records, not once per view.

A plan's page walks the whole plan (the digest: 1–2 s of CPU at 2 000 tasks), so every view
rebuilding it would stall the bot's other work in the same event loop (the inbox, the WeCom
callback, pacing). The page's data is kept in this process's memory under its key (plan,
day, viewer scope) together with a :func:`stamp` of the records it reads: the newest report,
request, period, assignment, extension and closing, and the plan's and tasks' last changes.
A page is served from memory only while the stamp is the same, so it is exact, never a
time-based guess; another process holds its own copy and loses nothing by not seeing this one.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from bot.board import queries
from bot.board.access import Viewer
from bot.storage.models import ProgressReport

T = TypeVar("T")
PAGES = 64  # pages kept per process (plans × days × scopes); the least recently used go

# One row of aggregates over what the plan page reads. Global, not per plan: any change
# anywhere rebuilds (rare next to views), and the statement needs no parameters. Changes made
# in place are counted by state (an approved extension, a closed task, a retired row).
STAMP_SQL = """SELECT
 (SELECT MAX(id) FROM progress_report) AS reports,
 (SELECT MAX(id) FROM report_request) AS requests,
 (SELECT COUNT(*) FROM report_request) AS requests_count,
 (SELECT MAX(id) FROM reporting_period) AS periods,
 (SELECT MAX(updated_at) FROM plan) AS plans,
 (SELECT COUNT(*) FROM plan WHERE retired_at IS NULL) AS plans_active,
 (SELECT MAX(updated_at) FROM task) AS tasks,
 (SELECT COUNT(*) FROM task WHERE retired_at IS NULL) AS tasks_active,
 (SELECT MAX(id) FROM assignment) AS assignments,
 (SELECT COUNT(*) FROM assignment WHERE retired_at IS NULL) AS assignments_active,
 (SELECT MAX(id) FROM deadline_extension) AS extensions,
 (SELECT COUNT(*) FROM deadline_extension WHERE state = 'approved') AS extended,
 (SELECT MAX(id) FROM task_closure) AS closures,
 (SELECT COUNT(*) FROM task_closure WHERE state = 'closed') AS closed,
 (SELECT MAX(id) FROM unit) AS units,
 (SELECT MAX(id) FROM unit_member) AS members,
 (SELECT COUNT(*) FROM unit_member) AS members_count"""


async def stamp() -> str:
    """What the records look like now, in one short string (equal while nothing changed)."""
    rows = await ProgressReport._meta.db.execute_query_dict(STAMP_SQL)
    values = "|".join(f"{key}={value}" for key, value in sorted(rows[0].items()))
    return hashlib.sha256(values.encode()).hexdigest()[:16]


@dataclass
class PageCache(Generic[T]):
    """Built values under their keys, each with the stamp it was built at."""

    size: int = PAGES
    built: int = 0  # values built so far (the rest were served as kept)
    _kept: OrderedDict[Hashable, tuple[str, T]] = field(default_factory=OrderedDict)

    async def get(self, key: Hashable, current: str, build: Callable[[], Awaitable[T]]) -> T:
        """The value of ``key`` built at stamp ``current``: kept, or built now and kept."""
        kept = self._kept.get(key)
        if kept is not None and kept[0] == current:
            self._kept.move_to_end(key)
            return kept[1]
        value = await build()
        self.built += 1
        for old in [k for k, (at, _) in self._kept.items() if at != current]:
            del self._kept[old]  # built from records that have changed since: never served again
        self._kept[key] = (current, value)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._kept)


def key(*parts: Any) -> tuple[Any, ...]:
    """A cache key from its parts (a viewer's scope as a sorted tuple)."""
    return tuple(tuple(sorted(p)) if isinstance(p, frozenset) else p for p in parts)


@dataclass
class PlanPages:
    """Plans' pages: the whole plan's data kept per (plan, day), each scope's from it."""

    kept: PageCache[queries.PlanBoard] = field(default_factory=PageCache)
    _building: asyncio.Lock = field(default_factory=asyncio.Lock)  # one whole plan at a time

    @property
    def built(self) -> int:
        """Pages built so far (whole and scoped)."""
        return self.kept.built

    async def board(self, plan_id: int, viewer: Viewer, *, today: date) -> queries.PlanBoard:
        """The plan's page data for the viewer, as of the records now."""
        current = await stamp()

        async def whole() -> queries.PlanBoard:
            async with self._building:  # a second view of a page being built waits for it
                return await self.kept.get(
                    key("whole", plan_id, today),
                    current,
                    lambda: queries.whole_board(plan_id, today=today),
                )

        async def scoped() -> queries.PlanBoard:
            return await queries.scoped_board(await whole(), viewer)

        if viewer.wide:
            return await whole()
        return await self.kept.get(key("scoped", plan_id, today, viewer.units), current, scoped)
