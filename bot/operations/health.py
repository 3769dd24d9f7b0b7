"""``duban doctor``'s checks of the database, the schema and the calendar (channels: their probes).

Each check is one line: a name, a state (✓ works, ✗ fails, · not configured) and one
localized sentence. The channels' own probes live beside the channels
(``bot.channels.*``); the doctor command puts them together.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.config import Settings
from bot.domain.messages import N_, Message, msg
from bot.domain.workdays import calendar_knows
from bot.storage.db import CONNECT_TIMEOUT, failure_reason, schema_state, where
from bot.storage.models import CalendarDay


class State(StrEnum):
    """How a check came out."""

    OK = "ok"
    FAILED = "failed"
    ABSENT = "absent"  # not configured: shown, not a failure
    WARNING = "warning"  # works, with something to do (e.g. next year's holidays to enter)


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the doctor's report."""

    name: str
    state: State
    detail: Message

    @property
    def ok(self) -> bool:
        """Not a failure."""
        return self.state is not State.FAILED


def redacted(url: str) -> str:
    """A database URL without its password."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in credentials else f"{scheme}://{user}@{host}"


async def check_database(settings: Settings) -> Check:
    """Reachable, and the schema present and current."""
    url = settings.database_url
    try:
        state = await asyncio.wait_for(schema_state(url), CONNECT_TIMEOUT + 5)
    except Exception as exc:
        return Check(
            "database",
            State.FAILED,
            msg(
                N_("{where} cannot be reached: {reason}."),
                where=where(url),
                reason=failure_reason(exc),
            ),
        )
    if state.missing:
        return Check(
            "database",
            State.FAILED,
            msg(N_("{url}: no Duban tables yet (duban init creates them)"), url=redacted(url)),
        )
    if state.pending:
        return Check(
            "database",
            State.FAILED,
            msg(
                N_("{url}: {count} migrations pending (duban init)"),
                url=redacted(url),
                count=state.pending,
            ),
        )
    return Check("database", State.OK, msg(N_("{url}: schema current"), url=redacted(url)))


async def check_calendar(today: date) -> list[Check]:
    """Whether this year and next have official holidays (or admin-entered days)."""
    checks = []
    for year in (today.year, today.year + 1):
        name = f"calendar {year}"
        if calendar_knows(year):
            checks.append(Check(name, State.OK, msg(N_("official holidays known"))))
            continue
        entered = await CalendarDay.filter(
            day__gte=date(year, 1, 1), day__lte=date(year, 12, 31)
        ).count()
        if entered:
            detail = msg(N_("{count} days entered by an admin"), count=entered)
        else:
            detail = msg(N_("unknown: Monday to Friday until entered (duban calendar import)"))
        checks.append(Check(name, State.OK if entered else State.WARNING, detail))
    return checks
