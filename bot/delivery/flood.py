"""Per-person flood control that never drops a word: past a rate, updates wait, in order.

The rate is read from the inbox itself, so it holds across any number of processes: a handled
row's ``lease_until`` is set to the real time it was handled (the lease ended then), and the
person's recent handled rows say whether one more may be handled now. When it may not, the
intake leases the person's earliest update to nobody until the moment it may (their later
updates wait behind it, as always), and the person is told once per notice window that their
messages are queued.

The limits are generous: a five-task report is about 30 updates in a couple of minutes, and
passes untouched; only a burst past :data:`LIMITS` is slowed down, never refused.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from bot.storage.models import InboxUpdate

# (window, updates handled at most within any such window): a burst, then a sustained rate.
LIMITS: tuple[tuple[timedelta, int], ...] = (
    (timedelta(minutes=1), 30),
    (timedelta(minutes=10), 90),
)
NOTICE_WINDOW = timedelta(minutes=10)  # a queued person is told at most once per this


def ready_at(
    handled: list[datetime], now: datetime, limits: Iterable[tuple[timedelta, int]] = LIMITS
) -> datetime | None:
    """When one more update may be handled, given when the recent ones were (newest first);
    None when it may be handled now."""
    latest: datetime | None = None
    for window, limit in limits:
        if len(handled) >= limit and handled[limit - 1] > now - window:
            free = handled[limit - 1] + window  # the moment the limit-th newest leaves it
            latest = free if latest is None or free > latest else latest
    return latest


async def waits(persons: Iterable[str], now: datetime) -> dict[str, datetime]:
    """The persons (of ``persons``) who must wait, with the moment each may go on.

    One query for them all: their rows handled within the longest window, newest first.
    """
    wanted = sorted({p for p in persons if p})
    if not wanted:
        return {}
    longest = max(window for window, _ in LIMITS)
    handled: dict[str, list[datetime]] = defaultdict(list)
    for person, stamp in await handled_since(wanted, now - longest):
        handled[person].append(stamp)
    found = {p: ready_at(stamps, now) for p, stamps in handled.items()}
    return {p: at for p, at in found.items() if at is not None}


async def handled_since(persons: list[str], since: datetime) -> list[tuple[str, datetime]]:
    """(person, when handled) of the handled updates of ``persons`` after ``since`` (real time,
    kept in ``lease_until``), newest first. One plain statement: an ORM query built for every
    batch cost more than the database did."""
    postgres = str(InboxUpdate._meta.db.capabilities.dialect) == "postgres"
    marks = [f"${n}" if postgres else "?" for n in range(1, len(persons) + 2)]
    sql = (  # names and placeholders only: every value is bound
        'SELECT "person", "lease_until" FROM "inbox_update" '  # noqa: S608
        f'WHERE "person" IN ({", ".join(marks[:-1])}) AND "processed_at" IS NOT NULL '
        f'AND "lease_until" > {marks[-1]} ORDER BY "lease_until" DESC'
    )
    found = await InboxUpdate._meta.db.execute_query_dict(sql, [*persons, since])
    return [(str(r["person"]), _moment(r["lease_until"])) for r in found]


def _moment(value: datetime | str) -> datetime:
    """A stored moment (SQLite hands back ISO text, asyncpg a datetime), aware."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def notice_window(now: datetime) -> int:
    """The notice window ``now`` falls in: one "your messages are queued" per person in each."""
    return int(now.timestamp() // NOTICE_WINDOW.total_seconds())
