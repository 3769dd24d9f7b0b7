"""What a digest (调度汇总) says, as plain values: unit lines, task lines, the whole digest.

Built from the records by ``bot.oversight.digest``; rendered as chat text by
``bot.render.digest`` and as tables by the exports. Pure: no storage, no I/O.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from bot.domain.lights import Light
from bot.domain.reporting import Status


@dataclass(slots=True)
class UnitLine:
    """A unit's reporting for the period (counts of report requests)."""

    unit: str
    asked: int = 0
    reported: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0


@dataclass(slots=True)
class TaskLine:
    """A task's state for the period."""

    number: str
    title: str
    lead: list[str]
    light: Light
    status: Status | None
    latest: str
    previous: Status | None = None
    missing_units: list[str] = field(default_factory=list)
    problems: str = ""  # 存在问题 of the report shown as ``latest``, when it names any
    closed: bool = False  # 销号: the secretariat closed the task
    extended_to: date | None = None  # the deadline an approved 延期申请 set (延期至…)


@dataclass(slots=True)
class Digest:
    """Everything a digest says, for one plan and month."""

    plan_id: int
    plan_title: str
    period: str
    due_on: date | None
    units: list[UnitLine]
    tasks: list[TaskLine]
    overdue: list[dict[str, Any]]
    unreachable: list[str]
    closed: list[str] = field(default_factory=list)  # the plan's closed tasks (销号), by number

    @property
    def units_asked(self) -> int:
        """Units asked this period."""
        return len(self.units)

    @property
    def units_reported(self) -> int:
        """Units that answered every request."""
        return sum(1 for u in self.units if u.missing == 0)

    @property
    def changes(self) -> list[TaskLine]:
        """Tasks whose status moved since the previous period."""
        return [t for t in self.tasks if t.previous is not None and t.status != t.previous]

    def to_json(self) -> dict[str, Any]:
        """The ``duban digest --json`` shape."""
        return {
            "period": self.period,
            "units": [asdict(u) for u in self.units],
            "tasks": [
                {
                    "number": t.number,
                    "title": t.title,
                    "lead": "、".join(t.lead),
                    "light": t.light.value,
                    "status": t.status.value if t.status else None,
                    "latest": t.latest,
                    "closed": t.closed,
                }
                for t in self.tasks
            ],
            "overdue": self.overdue,
        }
