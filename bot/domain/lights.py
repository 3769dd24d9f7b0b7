"""Status lights (红黄绿灯) of tasks in a digest, from what their units reported.

绿 on track or done; 黄 behind (滞后), not reported this period, or due within 30 days and not
done; 红 past its deadline and not done, or unreported two periods in a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from bot.domain.messages import N_
from bot.domain.reporting import Status

DUE_SOON_DAYS = 30


class Light(StrEnum):
    """A task's light."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"

    @property
    def label(self) -> str:
        """The message id of its name (绿/黄/红)."""
        return LIGHT_LABELS[self]

    @property
    def symbol(self) -> str:
        """A coloured dot for chat."""
        return {"green": "🟢", "yellow": "🟡", "red": "🔴"}[self.value]


LIGHT_LABELS = {Light.GREEN: N_("green"), Light.YELLOW: N_("yellow"), Light.RED: N_("red")}
SEVERITY = {Status.DONE: 0, Status.IN_PROGRESS: 1, Status.NOT_STARTED: 2, Status.BEHIND: 3}


def overall_status(statuses: Sequence[Status | None]) -> Status | None:
    """One status for a task from its units' reports: done only when every unit says so, else
    the worst open one; when the units that reported are done but others are silent, the task
    is still in progress."""
    known = [s for s in statuses if s is not None]
    if not known:
        return None
    if all(s is Status.DONE for s in statuses):
        return Status.DONE
    open_ = [s for s in known if s is not Status.DONE]
    return max(open_, key=SEVERITY.__getitem__) if open_ else Status.IN_PROGRESS


def task_light(
    *,
    statuses: Sequence[Status | None],
    missed_twice: bool,
    deadline: date | None,
    today: date,
) -> Light:
    """The light of a task this period; ``None`` in ``statuses`` is a unit that did not report."""
    status = overall_status(statuses)
    if status is Status.DONE:
        return Light.GREEN
    if missed_twice or (deadline is not None and deadline < today):
        return Light.RED
    if (
        status is Status.BEHIND
        or any(s is None for s in statuses)
        or (deadline is not None and (deadline - today).days <= DUE_SOON_DAYS)
    ):
        return Light.YELLOW
    return Light.GREEN
