"""When a task is done and which units are missing: the one definition that lights, deadline
warnings, ``/overdue`` and the digests all use.

- A task **answers through** its lead units (牵头); a task with no lead unit answers through
  every unit asked. A collective (各乡镇党委、政府, 县直各单位) answers through its member units
  where the register lists them; a collective with no members is left out, since nobody
  reports for it.
- A task is **done** when each unit it answers through last reported 已完成 (its latest
  report, whichever month it was for). Another unit's silence does not undo it.
- A unit is **missing** in a period when it was asked and has not answered, unless it is a
  collective: a collective is asked through its members, or not at all, and is never counted
  as a silent unit.

Pure: ids and statuses in, answers out.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.domain.reporting import Status


@dataclass(frozen=True, slots=True)
class Collectives:
    """Which units are collectives, and the member units of each (may be none)."""

    members: Mapping[int, Sequence[int]] = field(default_factory=dict)

    def __contains__(self, unit: object) -> bool:
        return unit in self.members

    def expand(self, units: Iterable[int]) -> list[int]:
        """Units with each collective replaced by its members (a memberless one dropped), in
        order, without repeats."""
        found: list[int] = []
        for unit in units:
            for one in self.members.get(unit, (unit,)):
                if one not in found:
                    found.append(one)
        return found


def answering_units(
    leads: Sequence[int], asked: Sequence[int], collectives: Collectives
) -> list[int]:
    """The units a task answers through: its lead units (collectives through their members),
    else every unit asked that is no collective."""
    through = collectives.expand(leads)
    if through:
        return through
    return [u for u in dict.fromkeys(asked) if u not in collectives]


def task_done(answering: Collection[int], last: Mapping[int, Status | None]) -> bool:
    """Whether each unit the task answers through last said 已完成 (``last``: unit → its latest
    status, whichever month). A task that answers through nobody is never done."""
    return bool(answering) and all(last.get(u) is Status.DONE for u in answering)


def is_missing(unit: int, answered: bool, collectives: Collectives) -> bool:
    """Whether an asked unit counts as not having reported."""
    return not answered and unit not in collectives


SEVERITY = {Status.DONE: 0, Status.IN_PROGRESS: 1, Status.NOT_STARTED: 2, Status.BEHIND: 3}


def task_status(done: bool, statuses: Iterable[Status | None]) -> Status | None:
    """One status for a task: 已完成 when done, else the worst open status reported; a task
    whose reporting units all said done while it is not done is still in progress."""
    if done:
        return Status.DONE
    known = [s for s in statuses if s is not None]
    if not known:
        return None
    open_ = [s for s in known if s is not Status.DONE]
    return max(open_, key=SEVERITY.__getitem__) if open_ else Status.IN_PROGRESS
