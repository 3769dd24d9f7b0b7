"""Status lights (红黄绿灯) of tasks in a digest, from what their units reported.

绿 on track or done; 黄 behind (滞后), not reported this period, or due within 30 days and not
done; 红 past its deadline and not done, or unreported two periods in a row. What "done" and
"not reported" mean is :mod:`bot.domain.completion`'s, shared with the deadline warnings.
"""

from __future__ import annotations

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


def task_light(
    *,
    done: bool,
    status: Status | None,
    missing: bool,
    missed_twice: bool,
    deadline: date | None,
    today: date,
) -> Light:
    """The light of a task this period. ``done`` and ``missing`` (a unit that counts as not
    having reported) are as :mod:`bot.domain.completion` defines them; ``status`` is the
    task's status from :func:`bot.domain.completion.task_status`."""
    if done:
        return Light.GREEN
    if missed_twice or (deadline is not None and deadline < today):
        return Light.RED
    if (
        status is Status.BEHIND
        or missing
        or (deadline is not None and (deadline - today).days <= DUE_SOON_DAYS)
    ):
        return Light.YELLOW
    return Light.GREEN
