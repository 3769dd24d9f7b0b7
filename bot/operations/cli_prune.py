"""``duban prune``: retention of the inbox and the outbox, and of the audit log when asked.

Only what is finished goes: inbox updates handled (or given up) and outbox messages sent or
failed, older than ``--days``. Updates still to handle and messages still to send are never
pruned. The audit log records who did what; it is kept unless ``--audit`` is given.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Annotated

import typer
from tortoise.expressions import Q

from bot.domain.messages import N_, msg
from bot.shell.options import AsJson
from bot.shell.runtime import runtime
from bot.storage.models import AuditLog, InboxUpdate, OutboxMessage

DEFAULT_DAYS = 180
# Outbox keys are what keep a month's prompts, reminders, escalations and digests from going
# out twice; a period's keys are in use for up to a quarter, so sent rows live at least this long.
MIN_DAYS = 120


@dataclass(frozen=True, slots=True)
class Pruned:
    """How many rows of each table were deleted."""

    inbox: int
    outbox: int
    audit: int


async def prune_before(cutoff: datetime, *, audit: bool) -> Pruned:
    """Delete finished inbox and outbox rows older than ``cutoff`` (audit entries if asked)."""
    from bot.delivery.intake import MAX_ATTEMPTS  # noqa: PLC0415 - the handlers load with it

    handled = Q(processed_at__lt=cutoff) | Q(
        processed_at=None, attempts__gte=MAX_ATTEMPTS, received_at__lt=cutoff
    )
    inbox = await InboxUpdate.filter(handled).delete()
    outbox = await OutboxMessage.filter(
        Q(state__in=("sent", "failed")), Q(created_at__lt=cutoff)
    ).delete()
    audited = await AuditLog.filter(at__lt=cutoff).delete() if audit else 0
    return Pruned(inbox=inbox, outbox=outbox, audit=audited)


def register(app: typer.Typer) -> None:
    """Attach ``prune``."""
    app.command("prune")(prune)


def prune(
    ctx: typer.Context,
    days: Annotated[
        int, typer.Option("--days", min=MIN_DAYS, help="Keep what is younger than this many days")
    ] = DEFAULT_DAYS,
    audit: Annotated[
        bool, typer.Option("--audit", help="Prune the audit log too (kept otherwise)")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Delete handled inbox updates and sent or failed outbox messages older than --days."""
    rt = runtime(ctx)

    async def body() -> Pruned:
        async with rt.database():
            return await prune_before(rt.now() - timedelta(days=days), audit=audit)

    pruned = rt.run(body())
    if as_json:
        rt.json({**asdict(pruned), "days": days})
        return
    rt.out.print(
        rt.say(
            msg(
                N_(
                    "Pruned {inbox} inbox updates, {outbox} outbox messages and {audit} audit "
                    "entries older than {days} days."
                ),
                inbox=pruned.inbox,
                outbox=pruned.outbox,
                audit=pruned.audit,
                days=days,
            )
        ),
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
