"""``duban doctor``'s checks of the database, the schema, the calendar and who holds each role
(channels: their probes).

Each check is one line: a name, a state (✓ works, ✗ fails, · not configured) and one
localized sentence. The channels' own probes live beside the channels
(``bot.channels.*``); the doctor command puts them together. The roles (the scheduler, Telegram
polling, each channel's sender) are process locks (``bot.storage.locks``): the doctor names the
process holding each, ``host:pid`` and since when, or says that none does (no ``duban run`` is
up, or it is just failing over).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain.localtime import local_text
from bot.domain.messages import N_, Message, msg
from bot.domain.workdays import calendar_knows
from bot.storage.db import CONNECT_TIMEOUT, failure_reason, schema_state, where
from bot.storage.locks import ProcessLock
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


def roles(settings: Settings) -> list[tuple[str, str]]:
    """The roles a deployment with these settings elects: (doctor's name, lock name)."""
    found = []
    if settings.scheduler:
        found.append(("scheduler", "scheduler"))
    if settings.telegram_enabled:
        if not settings.telegram_webhook_url:
            found.append(("poll telegram", "telegram-poll"))
        found.append(("send telegram", "sender-telegram"))
    if settings.wecom_enabled:
        found.append(("send wecom", "sender-wecom"))
    return found


async def check_locks(settings: Settings) -> list[Check]:
    """Which process holds each role, and since when (local time)."""
    zone = ZoneInfo(settings.timezone)
    checks = []
    for name, role in roles(settings):
        lock = ProcessLock(settings.database_url, role)
        try:
            holder = await asyncio.wait_for(lock.holding(), CONNECT_TIMEOUT + 5)
        except Exception as exc:
            detail = msg(N_("cannot tell who holds it: {reason}"), reason=failure_reason(exc))
            checks.append(Check(name, State.WARNING, detail))
            continue
        finally:
            await lock.release()
        if holder is None:
            detail = msg(N_("no process holds it: no duban run is up, or one is taking over"))
            checks.append(Check(name, State.ABSENT, detail))
        elif holder.since is None:
            checks.append(Check(name, State.OK, msg(N_("held by {owner}"), owner=holder.owner)))
        else:
            since = local_text(holder.since, zone, seconds=True)
            detail = msg(N_("held by {owner} since {since}"), owner=holder.owner, since=since)
            checks.append(Check(name, State.OK, detail))
    return checks
